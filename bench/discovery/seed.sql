-- 50 networks around 50 European cities: 25,000 locations, 50,000 EVSEs, 100,000 connectors.
insert into networks (id, name, slug, country, currency)
select 'net_bench' || lpad(n::text, 4, '0'), 'Bench network ' || n, 'bench-' || n, 'DE', 'EUR' from generate_series(1, 50) n;

insert into tariffs (tenant_id, id, currency, energy_price_per_kwh, vat_percent)
select id, 'trf_' || id, 'EUR', 30 + (random() * 50)::int, 19 from networks where id like 'net_bench%';

create temporary table bench_cities (i int, lat float8, lng float8);
insert into bench_cities values
  (0,52.52,13.40),(1,48.86,2.35),(2,51.51,-0.13),(3,40.42,-3.70),(4,41.90,12.50),(5,48.21,16.37),(6,52.37,4.90),(7,50.85,4.35),(8,49.61,6.13),(9,47.38,8.54),
  (10,48.14,11.58),(11,53.55,9.99),(12,50.94,6.96),(13,50.11,8.68),(14,48.78,9.18),(15,51.23,6.78),(16,45.46,9.19),(17,45.07,7.69),(18,43.30,5.37),(19,45.76,4.84),
  (20,43.60,1.44),(21,44.84,-0.58),(22,47.22,-1.55),(23,50.63,3.06),(24,41.39,2.17),(25,39.47,-0.38),(26,37.39,-5.98),(27,38.72,-9.14),(28,41.15,-8.61),(29,53.35,-6.26),
  (30,55.68,12.57),(31,59.33,18.07),(32,59.91,10.75),(33,60.17,24.94),(34,52.23,21.01),(35,50.06,19.94),(36,50.08,14.44),(37,47.50,19.04),(38,46.05,14.51),(39,45.81,15.98),
  (40,44.43,26.10),(41,42.70,23.32),(42,37.98,23.73),(43,54.69,25.28),(44,56.95,24.11),(45,59.44,24.75),(46,51.05,13.74),(47,51.34,12.37),(48,49.45,11.08),(49,53.08,8.80);

insert into locations (tenant_id, id, name, address, city, country, latitude, longitude, time_zone, publish)
select 'net_bench' || lpad((1 + n % 50)::text, 4, '0'), 'loc_bench' || lpad(n::text, 6, '0'), 'Station ' || n, 'Street ' || n, 'City ' || c.i, 'DE',
       c.lat + (random() - 0.5) * 0.5, c.lng + (random() - 0.5) * 0.7, 'Europe/Berlin', random() > 0.05
from generate_series(1, 25000) n join bench_cities c on c.i = (n * 7) % 50;

insert into evses (tenant_id, id, location_id, status, availability, capabilities)
select l.tenant_id, l.id || '_e' || k, l.id, s.status, s.status, '{RESERVABLE}'
from locations l cross join generate_series(1, 2) k
cross join lateral (select (array['AVAILABLE','AVAILABLE','CHARGING','OUTOFORDER'])[1 + floor(random() * 4)::int + (k - k)] as status) s
where l.tenant_id like 'net_bench%';

insert into connectors (tenant_id, id, evse_id, standard, format, power_type, max_voltage, max_amperage, max_electric_power, tariff_id)
select e.tenant_id, e.id || '_c' || k, e.id, t.standard, t.format, t.power_type, t.v, t.a, t.w, 'trf_' || e.tenant_id
from evses e cross join generate_series(1, 2) k
cross join lateral (
  select * from (values
    ('IEC_62196_T2', 'SOCKET', 'AC_3_PHASE', 400, 32, 22000),
    ('IEC_62196_T2_COMBO', 'CABLE', 'DC', 920, 400, 150000),
    ('CHADEMO', 'CABLE', 'DC', 500, 125, 50000)) v(standard, format, power_type, v, a, w)
  offset floor(random() * 3 + (k - k))::int limit 1) t
where e.tenant_id like 'net_bench%';

-- A partner (an automaker's app: public data only) and one network's own server key.
insert into partners (id, name, kind) values ('prt_bench', 'Bench Automaker', 'automaker');
insert into api_keys (id, partner_id, kind, name, prefix, key_hash, scopes)
values ('key_bench_partner', 'prt_bench', 'secret', 'bench partner', 'sk_bench', encode(sha256('sk_bench_partner_key'::bytea), 'hex'), '{public:read}');
insert into api_keys (id, tenant_id, kind, name, prefix, key_hash, scopes)
values ('key_bench', 'net_bench0001', 'secret', 'bench', 'sk_bench', encode(sha256('sk_bench_discovery_key'::bytea), 'hex'), '{public:read}');

analyze;
