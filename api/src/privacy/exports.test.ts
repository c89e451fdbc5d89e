import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { startSmtp } from '../test/smtp.js';

/** Every file of a ZIP, by name, as text. */
function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

const linkIn = (text: string | undefined) => /\/v1\/exports\/(exp_[a-z0-9]+)\/download\?token=(dx_[A-Za-z0-9]+)/.exec(text ?? '') as RegExpExecArray;

describe.each(backends())('a driver’s export of their data on %s', (backend: Backend) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let net: SignedUpNetwork;
  let chargePointId: string;
  const build = () => t.services.jobs.drain(new Date(), undefined, 10, ['privacy.export']);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp(backend, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://charge.example' });
    net = await signUpNetwork(t.http, 'Export Network');
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Export Site')).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('EXP').slice(0, 25), location_id: site.body.id, password: 'export-password-123' })
      .expect(201);
    chargePointId = cp.body.id;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function driverWithHistory(sessions: number) {
    const driver = await registerDriver(t.http);
    const tag = unique('TAG').slice(0, 20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const ids: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const at = new Date(Date.now() - (i + 2) * 3_600_000);
      const started = await t.services.charging.startSession(net.networkId, chargePointId, { connectorId: 1, idTag: tag, meterStartWh: 1_000 * i, at });
      await t.services.charging.addMeterValues(net.networkId, chargePointId, started.transactionId, [
        { at: new Date(at.getTime() + 600_000), energyWh: 1_000 * i + 400 },
      ]);
      await t.services.charging.stopSession(net.networkId, chargePointId, {
        transactionId: started.transactionId,
        meterStopWh: 1_000 * i + 900,
        at: new Date(at.getTime() + 1_200_000),
      });
      ids.push(started.session.id);
    }
    return { ...driver, tag, sessions: ids };
  }

  it('builds a ZIP of the driver’s own data only, mails the link in their language, and lets it be downloaded once', async () => {
    const alice = await driverWithHistory(3);
    const bob = await driverWithHistory(1);
    await t.http.patch('/v1/me').set(bearer(alice.accessToken)).send({ locale: 'fr' }).expect(200);
    const ticket = await t.http
      .post('/v1/support/tickets')
      .set(bearer(alice.accessToken))
      .send({ kind: 'question', network_id: net.networkId, subject: 'Facture', message: 'Où est ma facture ?', language: 'fr' })
      .expect(201);
    await t.http
      .post(`/v1/support/tickets/${ticket.body.id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'Staff only: frequent asker', internal: true })
      .expect(201);
    await t.http
      .post(`/v1/support/tickets/${ticket.body.id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'Dans l’appli, onglet Historique.' })
      .expect(201);
    // Staff open one of her sessions: that read is hers to see too.
    await t.http.get(`/v1/sessions/${alice.sessions[1]}`).set(bearer(net.accessToken)).expect(200);
    await t.services.audit.record(net.networkId, {
      action: 'session.refund',
      subjectType: 'session',
      subjectId: alice.sessions[0] as string,
      outcome: 'done',
      detail: { amount: 50 },
    });

    const asked = await t.http.post('/v1/me/exports').set(bearer(alice.accessToken)).expect(202);
    expect(asked.body).toMatchObject({ status: 'pending', size_bytes: null });
    // Asking again while it is being made returns the same one.
    expect((await t.http.post('/v1/me/exports').set(bearer(alice.accessToken)).expect(202)).body.id).toBe(asked.body.id);
    // Nobody else can see it.
    await t.http.get(`/v1/me/exports/${asked.body.id}`).set(bearer(bob.accessToken)).expect(404);

    await build();
    const status = await t.http.get(`/v1/me/exports/${asked.body.id}`).set(bearer(alice.accessToken)).expect(200);
    expect(status.body.status).toBe('ready');
    expect(status.body.size_bytes).toBeGreaterThan(500);
    const mail = await smtp.next(alice.email);
    expect(mail.subject).toBe('Vos données sont prêtes à télécharger');
    const [, id, token] = linkIn(mail.text);
    expect(id).toBe(asked.body.id);
    expect(mail.text).toContain(`https://charge.example/v1/exports/${id}/download?token=`);

    await t.http.get(`/v1/exports/${id}/download?token=dx_not_the_token_at_all`).expect(404);
    const download = await t.http
      .get(`/v1/exports/${id}/download?token=${token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="voltshare-data-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = await unzip(download.body as Buffer);
    expect([...files.keys()].sort()).toEqual(
      [
        'audit-entries.json',
        'bookings.csv',
        'community.json',
        'consents.json',
        'id-tags.csv',
        'logins.json',
        'meter-readings.csv',
        'payments.csv',
        'profile.json',
        'reviews.json',
        'sessions.csv',
        'support-tickets.json',
        'wallet.csv',
      ].sort(),
    );
    expect(JSON.parse(files.get('profile.json') as string).account).toMatchObject({ email: alice.email, locale: 'fr' });
    const sessions = (files.get('sessions.csv') as string).trim().split('\n');
    expect(sessions).toHaveLength(1 + 3);
    for (const s of alice.sessions) expect(files.get('sessions.csv')).toContain(s);
    expect(files.get('sessions.csv')).not.toContain(bob.sessions[0]);
    expect(files.get('id-tags.csv')).toContain(alice.tag);
    expect(files.get('id-tags.csv')).not.toContain(bob.tag);
    expect((files.get('meter-readings.csv') as string).trim().split('\n')).toHaveLength(1 + 3);
    const tickets = JSON.parse(files.get('support-tickets.json') as string);
    expect(tickets[0].messages.map((m: { body: string }) => m.body)).toContain('Dans l’appli, onglet Historique.');
    expect(files.get('support-tickets.json')).not.toContain('Staff only');
    expect(JSON.parse(files.get('audit-entries.json') as string)).toEqual([
      expect.objectContaining({ action: 'personal_data.read', subject_id: alice.sessions[1], actor_user_id: net.ownerId }),
      expect.objectContaining({ action: 'session.refund', subject_id: alice.sessions[0] }),
    ]);
    // Once only.
    await t.http.get(`/v1/exports/${id}/download?token=${token}`).expect(404);
    expect((await t.http.get(`/v1/me/exports/${id}`).set(bearer(alice.accessToken)).expect(200)).body.status).toBe('downloaded');
  });

  it('a link not used within 7 days expires and its archive is deleted', async () => {
    const carol = await driverWithHistory(1);
    const asked = await t.http.post('/v1/me/exports').set(bearer(carol.accessToken)).expect(202);
    await build();
    const [, id, token] = linkIn((await smtp.next(carol.email)).text);
    await expect(t.services.dataExports.download(id as string, token as string, new Date(Date.now() + 8 * 24 * 3_600_000))).rejects.toMatchObject({
      kind: 'not-found',
    });
    // The next export's job sweeps it away.
    await t.services.jobs.drain(new Date(Date.now() + 8 * 24 * 3_600_000), undefined, 10, ['privacy.export']);
    const again = await t.http.post('/v1/me/exports').set(bearer(carol.accessToken)).expect(202);
    expect(again.body.id).not.toBe(asked.body.id);
    await t.services.jobs.drain(new Date(Date.now() + 8 * 24 * 3_600_000), undefined, 10, ['privacy.export']);
    expect((await t.http.get(`/v1/me/exports/${asked.body.id}`).set(bearer(carol.accessToken)).expect(200)).body.status).toBe('expired');
    await t.http.get(`/v1/exports/${id}/download?token=${token}`).expect(404);
  });
});
