// A synthetic release plan of N tasks (default 300) as TOML, for the browser benchmark:
// 8 teams, each task after 1 to 3 of the 40 tasks before it, Beta-PERT estimates, 10 risks,
// 3 releases on a weekly Tuesday/Thursday cadence. Deterministic (xorshift64*).
//   node scripts/gen-plan.mjs [N] > plan.toml
export function syntheticPlan(n = 300, teams = 8, seed = 7n) {
  let s = (seed * 0x9e3779b97f4a7c15n) | 1n;
  const M = (1n << 64n) - 1n;
  const next = () => {
    s ^= s >> 12n; s ^= (s << 25n) & M; s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & M;
  };
  const below = (k) => Number(next() % BigInt(k));
  const out = ['[plan]', `name = "Synthetic ${n}"`, 'start = 2027-01-04', ''];
  for (let k = 0; k < teams; k++) out.push(`[teams.team${k}]`, `capacity = ${2 + (k % 3)}`, '');
  for (let j = 0; j < n; j++) {
    const low = 1 + below(5);
    const likely = low + 1 + below(6);
    const high = likely + 1 + below(10);
    out.push('[[tasks]]', `id = "t${j}"`, `team = "team${below(teams)}"`,
      `estimate = { low = ${low}, likely = ${likely}, high = ${high} }`);
    if (j > 0) {
      const preds = new Set();
      const m = 1 + below(3);
      for (let i = 0; i < m; i++) preds.add(Math.max(0, j - 1 - below(Math.min(40, j))));
      out.push(`after = [${[...preds].map((p) => `"t${p}"`).join(', ')}]`);
    }
    out.push('');
  }
  for (let r = 0; r < 10; r++) {
    const ts = new Set([below(n), below(n)]);
    out.push('[[risks]]', `id = "risk${r}"`, `probability = 0.${1 + below(3)}`,
      `impact = { low = 1, likely = ${2 + below(4)}, high = ${8 + below(8)} }`,
      `tasks = [${[...ts].map((t) => `"t${t}"`).join(', ')}]`, '');
  }
  for (let r = 0; r < 3; r++) {
    const last = Math.floor(((r + 1) * n) / 3) - 1;
    out.push('[[releases]]', `id = "r${r + 1}"`, `tasks = ["t${last}"]`,
      'cadence = { weekdays = ["tue", "thu"], every_weeks = 1, from = 2027-01-05 }', '');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(syntheticPlan(Number(process.argv[2] ?? 300)));
}
