import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startDev, type DevServer } from '../emulator/dev-server.js';
import { KEY, Terminal } from '../scaffold/terminal.js';
import { svl } from '../support/cli.js';
import { SVL_BIN } from '../support/paths.js';
import { triggersProject, until } from './support.js';

// Schedules under svl dev with the Go fixture: --trigger fires one at once; SVL_DEV_CLOCK_SPEED
// runs dev's schedule clock faster, so rate(1 minute) fires through the real timers without a
// minute's wait (the next-fire arithmetic itself is proven on an injected clock in units.test.ts).

let dev: DevServer | undefined;

afterAll(async () => {
  await dev?.stop();
});

it('--trigger fires a schedule right away: the Scheduled Event by function name, the "input" by trigger name', async () => {
  const dir = await triggersProject([
    { type: 'schedule', schedule: 'rate(1 day)' },
    { type: 'schedule', name: 'nightly-report', schedule: 'cron(0 2 * * ? *)', input: { job: 'report' } },
  ]);
  dev = await startDev(dir, ['--no-watch', '--trigger', 'go-triggers-schedule-1', '--trigger', 'nightly-report'], { AWS_REGION: 'eu-west-1' });
  await dev.waitForStdout('scheduled ', 30_000);
  await dev.waitForStdout('input {"job":"report"}', 30_000);
  expect(dev.stdout()).toMatch(/\tscheduled \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ arn:aws:events:eu-west-1:000000000000:rule\/go-triggers-schedule-1$/m);
  expect(dev.stderr()).toMatch(/^svl dev: schedule nightly-report → go-triggers: cron\(0 2 \* \* \? \*\) \(UTC\), next at \d{4}-\d\d-\d\dT02:00:00\.000Z$/m);
  await dev.waitForStderr(/schedule nightly-report → go-triggers: fired for .*, ok/);
}, 300_000);

it('rate(1 minute) fires once a minute, on an accelerated clock', async () => {
  const dir = await triggersProject([{ type: 'schedule', name: 'minutely', schedule: 'rate(1 minute)' }]);
  const fast = await startDev(dir, ['--no-watch'], { SVL_DEV_CLOCK_SPEED: '120' });
  try {
    const times = () => [...fast.stdout().matchAll(/\tscheduled (\S+) arn:aws:events:[^:]+:000000000000:rule\/minutely$/gm)].map((m) => Date.parse(m[1]!));
    const [a, b, c] = await until('three fires', times, (t) => t.length >= 3, 30_000);
    expect([b! - a!, c! - b!]).toEqual([60_000, 60_000]);
  } finally {
    await fast.stop();
  }
}, 300_000);

it.each([
  ['rate(1 minutes)', "trigger 'go-triggers-schedule-1' of go-triggers: 'rate(1 minutes)': EventBridge wants rate(1 minute)"],
  ['cron(0 12 * * MON *)', "exactly one of day-of-month and day-of-week must be '?'"],
  ['cron(61 * * * ? *)', 'minute'],
])('a bad schedule %s stops svl dev before any build: one line, exit 2', async (schedule, message) => {
  const dir = await triggersProject([{ type: 'schedule', schedule }]);
  const r = await svl(['dev', '--port', '0'], { cwd: dir, timeout: 30_000 });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toContain('building');
});

it('--trigger naming no schedule is a usage error listing the schedules', async () => {
  const dir = await triggersProject([{ type: 'schedule', name: 'hourly', schedule: 'rate(1 hour)' }]);
  const r = await svl(['dev', '--port', '0', '--trigger', 'weekly'], { cwd: dir, timeout: 30_000 });
  expect(r.exitCode).toBe(2);
  expect(r.stderr.trim()).toBe('svl: --trigger weekly: no schedule trigger is called that — schedules: hourly (go-triggers)');
});

it('in a terminal, t lists the schedules and a digit fires one; Ctrl-C still stops dev', async () => {
  const dir = await triggersProject([
    { type: 'schedule', name: 'hourly', schedule: 'rate(1 hour)' },
    { type: 'schedule', name: 'with-input', schedule: 'rate(2 hours)', input: { from: 'the t key' } },
  ]);
  const term = new Terminal(['dev', '--port', '0', '--no-watch'], dir, {}, SVL_BIN);
  await term.waitFor('press t to fire a schedule now', 50_000);
  await term.type('t');
  await term.waitFor('1) hourly (go-triggers, rate(1 hour))  2) with-input (go-triggers, rate(2 hours))');
  await term.type('2');
  await term.waitFor('input {"from":"the t key"}');
  await term.type(KEY.ctrlC);
  await term.waitFor('shutting down');
  expect((await term.process).exitCode).toBe(0);
}, 120_000);

it('an svl.json edit restarts the triggers: a schedule added is run, a bad one keeps the previous settings', async () => {
  const dir = await triggersProject([]);
  const watched = await startDev(dir, []);
  try {
    await watched.waitForStderr('watching sources');
    const file = path.join(dir, 'svl.json');
    const config = JSON.parse(await readFile(file, 'utf8'));
    let mark = watched.stderr().length;
    await writeFile(file, JSON.stringify({ ...config, events: [{ type: 'schedule', name: 'later', schedule: 'rate(5 minutes)' }] }));
    await watched.waitForStderr('schedule later → go-triggers: rate(5 minutes) (UTC), next at', 30_000, mark);
    await watched.waitForStderr('svl.json changed — settings applied', 30_000, mark);
    mark = watched.stderr().length;
    await writeFile(file, JSON.stringify({ ...config, events: [{ type: 'schedule', name: 'later', schedule: 'rate(5 minute)' }] }));
    await watched.waitForStderr(
      "trigger 'later' of go-triggers: 'rate(5 minute)': EventBridge wants rate(5 minutes)\nsvl dev: keeping the previous settings",
      30_000,
      mark,
    );
  } finally {
    await watched.stop();
  }
}, 300_000);
