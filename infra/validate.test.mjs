// Checks of infra/: the Kubernetes manifests against the Kubernetes schemas (kubernetes-models
// ships them, no download), the HAProxy configuration with haproxy itself, and the compose file
// and Dockerfile for what the operations guide promises.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';

const here = new URL('.', import.meta.url);
const read = (file) => readFileSync(new URL(file, here), 'utf8');
const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const manifests = readdirSync(new URL('k8s/', here))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(read(`k8s/${file}`)).map((doc) => {
      assert.deepEqual(doc.errors, [], file);
      return { file, object: doc.toJSON() };
    }),
  );

test('every Kubernetes manifest validates against the Kubernetes schema of its kind', () => {
  assert.ok(manifests.length >= 10);
  for (const { file, object } of manifests) {
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    assert.ok(Model, `${file}: no schema for ${object.apiVersion} ${object.kind}`);
    new Model(object).validate();
  }
});

test('a broken manifest is caught (the check can fail)', () => {
  const deployment = structuredClone(manifests.find((m) => m.object.kind === 'Deployment').object);
  deployment.spec.replicas = 'two';
  assert.throws(() => new Deployment(deployment).validate());
});

test('Deployments probe /ready and /health, run as non-root, and have a PodDisruptionBudget and an autoscaler', () => {
  const deployments = manifests.filter((m) => m.object.kind === 'Deployment').map((m) => m.object);
  assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), ['voltshare-api', 'voltshare-gateway']);
  for (const d of deployments) {
    const [container] = d.spec.template.spec.containers;
    assert.equal(container.readinessProbe.httpGet.path, '/ready');
    assert.equal(container.livenessProbe.httpGet.path, '/health');
    assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, true);
    const byTarget = (kind) => manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
    assert.ok(byTarget('PodDisruptionBudget').some((p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === d.metadata.name));
    assert.ok(byTarget('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === d.metadata.name));
  }
});

test('the HAProxy configuration is valid for haproxy and tunnels WebSockets', (t) => {
  const config = read('haproxy.cfg');
  assert.match(config, /timeout tunnel/);
  assert.match(config, /option httpchk GET \/ready/);
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
  } catch {
    t.skip('haproxy is not installed');
    return;
  }
  execFileSync('haproxy', ['-c', '-q', '-f', new URL('haproxy.cfg', here).pathname], { stdio: 'pipe' });
});

test('the compose file runs PostgreSQL, Redis, API and gateway processes behind the load balancer', () => {
  const compose = parse(read('compose.yaml'), { merge: true });
  assert.deepEqual(Object.keys(compose.services).sort(), ['api', 'gateway', 'loadbalancer', 'postgres', 'redis']);
  assert.deepEqual(compose.services.api.command, ['node', 'api/dist/main.js']);
  assert.equal(compose.services.gateway.environment.JOBS, 'false');
  assert.equal(compose.services.gateway.environment.REDIS_URL, 'redis://redis:6379');
  for (const name of ['postgres', 'redis']) assert.ok(compose.services[name].healthcheck);
});

test('the image is multi-stage, runs as a non-root user and has a health check', () => {
  const dockerfile = read('Dockerfile');
  assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^HEALTHCHECK /m);
});
