/**
 * The first step of `pnpm test`: finds what the tests run (support/requirements.ts)
 * before minutes go into other tests; installs what is missing with apt-get
 * where it can, or stops with one line that says how to install it.
 */
import { currentSystem, installWithAptGet, planRequirements, REQUIREMENTS } from './requirements.js';

let plan = planRequirements(REQUIREMENTS, currentSystem());
if (plan.action === 'install') {
  const what = plan.missing.map((r) => `${r.name} (${r.usedBy})`).join(', ');
  console.log(
    `pnpm test: installing Debian's ${plan.packages.join(' ')} with apt-get for ${what}${plan.packages.includes('chromium') ? '; Chromium takes a few minutes' : ''} …`,
  );
  try {
    installWithAptGet(plan.packages, [...new Set(plan.missing.flatMap((r) => r.services ?? []))]);
  } catch (error) {
    console.error(`pnpm test: ${(error as Error).message}`);
    process.exit(1);
  }
  plan = planRequirements(REQUIREMENTS, currentSystem());
}
if (plan.action !== 'ready') {
  console.error(
    plan.action === 'stop' ? plan.message : `pnpm test: still missing after apt-get: ${plan.missing.map((r) => r.name).join(', ')}.`,
  );
  process.exit(1);
}
console.log(`pnpm test uses ${[...plan.found].map(([name, file]) => `${name} ${file}`).join(', ')}.`);
