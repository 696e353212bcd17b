/**
 * The space-time reports opened in a real headless browser: one lane per server, one arrow per
 * delivered message of a small known run, the failing step highlighted, and selecting a step
 * (by keyboard or by clicking its point) shows what it changed. Each kind of input is drawn:
 * traces, a conformance failure saved by `validate --json`, an error trace saved by
 * `check --json`, and a 10,000-event run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, noBrowserReason } from '../support/browser.ts';

const root = join(import.meta.dirname, '..', '..');
const knownRun = join(import.meta.dirname, 'fixtures', 'known-run');
const dispatch = join(root, 'test', 'conformance', 'tla', 'fixtures', 'step-names');
const skip = noBrowserReason();
if (skip) console.warn(`space-time browser tests skipped: ${skip}`);

function timelock(args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** What the page draws, read from its chart and panel. */
interface Drawn {
  lanes: string[];
  arrows: Array<[number, number]>;
  failing: number[];
  selected: number;
  panelStep: string | undefined;
  panelText: string;
}

async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const w = window as unknown as {
      spaceTime: {
        model: { lanes: string[]; steps: Array<{ lane: number }> };
        chart: { getOption(): { series: Array<{ id: string; data: unknown[] }> } };
        selected(): number;
      };
    };
    const series = w.spaceTime.chart.getOption().series;
    const of = (id: string) => series.find((s) => s.id === id)!.data;
    const panel = document.getElementById('step-panel')!;
    return {
      lanes: w.spaceTime.model.lanes,
      arrows: (of('arrows') as Array<{ coords: number[][] }>).map(
        (a) => [a.coords[0]![0]!, a.coords[1]![0]!] as [number, number],
      ),
      failing: (of('failing') as number[][]).map((p) => p[1]!),
      selected: w.spaceTime.selected(),
      panelStep: panel.dataset.step,
      panelText: panel.innerText,
    };
  });
}

describe.skipIf(skip !== undefined)('space-time reports in a browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'space-time-'));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1300, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => 'spaceTime' in window, { timeout: 30_000 });
    expect(errors).toEqual([]);
    return page;
  }

  function report(input: string[], name: string): string {
    const out = join(dir, `${name}.html`);
    const r = timelock(['report', ...input, '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    return out;
  }

  it('draws a known run: one lane per server, one arrow per delivered message', async () => {
    const page = await open(report([knownRun], 'traces'));
    const d = await drawn(page);
    expect(d.lanes).toEqual(['server 1', 'server 2']);
    // Prepare 1->2, promise 2->1, accept 1->2, accepted 2->1: the four messages delivered.
    expect(d.arrows).toEqual([
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(d.failing).toEqual([]);
    // No external resources: the page opened from a file with no network.
    expect(readFileSync(join(dir, 'traces.html'), 'utf8')).not.toMatch(/(src|href)="https?:/);
    await page.close();
  });

  it('highlights the event a conformance failure stops at, and says why', async () => {
    const failure = join(dir, 'failure.json');
    const validated = timelock(['validate', '--json', knownRun]);
    expect(validated.status).not.toBe(0);
    writeFileSync(failure, validated.stdout);
    const rejected = (
      JSON.parse(validated.stdout) as { runs: Array<{ failure: { event: { index: number } } }> }
    ).runs[0]!.failure.event.index;
    const page = await open(report([failure], 'failure'));
    let d = await drawn(page);
    expect(d.failing).toEqual([rejected - 1]);
    // The page opens on the failing step, with the replay's explanation.
    expect(d.panelStep).toBe(String(rejected));
    expect(d.panelText).toContain('Learn(1, "leader", 1, [leader |-> 1])');
    expect(d.panelText).toContain('Why it fails');
    expect(d.panelText).toContain('false conjunct');
    // One step back with the keyboard: the Accept before it, and what it changed.
    await page.keyboard.press('ArrowUp');
    d = await drawn(page);
    expect(d.panelStep).toBe(String(rejected - 1));
    expect(d.panelText).toContain('Accept(2, "leader", 1, <<1, 1>>, [leader |-> 1])');
    expect(d.panelText).toContain('acc[leader][1] = [prom |-> <<1, 1>>, bal |-> <<1, 1>>');
    await page.close();
  });

  it('shows an error trace saved by check --json, and the diff of a step clicked', async () => {
    const saved = join(dir, 'check.ndjson');
    const checked = timelock([
      'check',
      '--json',
      '-config',
      join(dispatch, 'Dispatch.cfg'),
      join(dispatch, 'Dispatch.tla'),
    ]);
    writeFileSync(saved, checked.stdout);
    const page = await open(report([saved], 'check'));
    let d = await drawn(page);
    expect(d.failing).toEqual([3]);
    expect(d.panelText).toContain('invariant NotAll is violated');
    // Click the point of step 3 (Promise(2, 1)).
    const at = await page.evaluate(() => {
      const w = window as unknown as {
        spaceTime: {
          model: { steps: Array<{ lane: number }> };
          chart: { convertToPixel(f: object, v: number[]): number[] };
        };
      };
      const p = w.spaceTime.chart.convertToPixel({ seriesId: 'steps' }, [
        w.spaceTime.model.steps[2]!.lane,
        2,
      ]);
      const box = document.getElementById('diagram')!.getBoundingClientRect();
      return { x: box.left + p[0]!, y: box.top + p[1]! };
    });
    await page.mouse.click(at.x, at.y);
    d = await drawn(page);
    expect(d.panelStep).toBe('3');
    expect(d.panelText).toContain('Promise(2, 1)');
    expect(d.panelText).toContain('acc: <<0, 0>> -> <<0, 1>>');
    await page.close();
  });

  it('stays usable with 10,000 events', async () => {
    const traces = join(dir, 'big');
    const sim = timelock([
      'simulate',
      '--seed',
      '5',
      '--servers',
      '3',
      '--clients',
      '2',
      '--steps',
      '20000',
      '--trace-dir',
      traces,
    ]);
    expect(sim.status, sim.stderr).toBe(0);
    const page = await open(report([traces], 'big'));
    await page.keyboard.press('End');
    const d = await drawn(page);
    const steps = await page.evaluate(
      () =>
        (window as unknown as { spaceTime: { model: { steps: unknown[] } } }).spaceTime.model.steps
          .length,
    );
    expect(steps).toBeGreaterThanOrEqual(10_000);
    expect(d.panelStep).toBe(String(steps));
    await page.close();
  }, 120_000);
});
