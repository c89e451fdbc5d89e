/** Request bodies several suites build sites from. */
const DC = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 300_000 };
const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

export const siteBody = (
  name: string,
  evses: unknown[] = [{ capabilities: ['RESERVABLE'], connectors: [DC] }, { connectors: [DC] }, { connectors: [AC] }],
) => ({
  name,
  address: '1 Rue du Test',
  city: 'Luxembourg',
  country: 'LU',
  coordinates: { latitude: 49.61, longitude: 6.13 },
  time_zone: 'Europe/Luxembourg',
  // A copy: a test that edits its body must not change the next test's.
  evses: structuredClone(evses),
});
