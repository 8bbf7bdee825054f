// Every fast-check property in the suite runs with one fixed seed, so a CI run is reproducible;
// FC_SEED=<n> replays another, FC_SEED=random explores (fast-check prints the seed of a failure).
// Property suites that pass their own settings (libs/domain/src/properties) read FC_SEED the same way.
const fc = require('fast-check');

const raw = process.env.FC_SEED;
if (raw !== 'random') {
  const seed = raw === undefined || raw === '' ? 20261121 : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or 'random', not '${raw}'`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
