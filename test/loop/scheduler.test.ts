// The superloop scheduler on a manual host: order, yielding, timers,
// wake-ups, the time budget, idle reporting and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DONE, Loop, WAIT, YIELD } from '../../core/loop/scheduler.js';
import { manualLoop } from './tasks.js';

test('ready tasks run once per tick in the order they became ready; DONE removes them', () => {
  const { loop } = manualLoop();
  const log: string[] = [];
  let a = 0;
  loop.add(() => {
    log.push('a' + a);
    return ++a < 3 ? YIELD : DONE;
  }, 'a');
  loop.add(() => {
    log.push('b');
    return DONE;
  }, 'b');
  assert.equal(loop.size, 2);
  assert.equal(loop.tick(), 2);
  assert.deepEqual(log, ['a0', 'b']);
  assert.equal(loop.size, 1);
  loop.tick();
  loop.tick();
  assert.deepEqual(log, ['a0', 'b', 'a1', 'a2']);
  assert.equal(loop.size, 0);
  assert.equal(loop.tick(), 0);
});

test('a timer result runs the task again when the clock reaches it, and the host is asked for that tick', () => {
  const { loop, host } = manualLoop();
  const runs: number[] = [];
  loop.add(() => {
    runs.push(host.clock);
    return runs.length < 3 ? 30 : DONE;
  });
  assert.deepEqual(host.requests, [0]); // added: tick as soon as possible
  loop.tick();
  assert.equal(host.requests.at(-1), 30);
  host.clock = 29;
  loop.tick();
  assert.deepEqual(runs, [0]);
  assert.equal(host.requests.at(-1), 1);
  host.clock = 30;
  loop.tick();
  host.clock = 75;
  loop.tick();
  assert.deepEqual(runs, [0, 30, 75]);
  assert.equal(loop.size, 0);
  assert.equal(host.requests.at(-1), Infinity);
});

test('wake() runs a waiting task at the next tick and cancels its timer', () => {
  const { loop, host } = manualLoop();
  let runs = 0;
  const t = loop.add(() => {
    runs++;
    return 1000;
  });
  loop.tick();
  host.requests.length = 0;
  t.wake();
  t.wake(); // twice: still one run
  assert.deepEqual(host.requests, [0]);
  loop.tick();
  assert.equal(runs, 2);
  t.cancel();
  assert.equal(t.done, true);
  assert.equal(loop.size, 0);
});

test('WAIT leaves a task idle until woken; the host hears Infinity (idle) and the loop reports idle', () => {
  const { loop, host } = manualLoop();
  let runs = 0;
  const t = loop.add(() => (++runs === 2 ? DONE : WAIT));
  loop.tick();
  assert.equal(host.requests.at(-1), Infinity);
  assert.equal(loop.idle, true);
  assert.equal(loop.size, 1);
  host.clock = 1e6;
  loop.tick();
  assert.equal(runs, 1);
  t.wake();
  assert.equal(loop.idle, false);
  loop.tick();
  assert.equal(runs, 2);
});

test('a wake-up during a step (from the task itself or another) runs at the next tick, not in this one', () => {
  const { loop } = manualLoop();
  const log: string[] = [];
  let b: ReturnType<Loop['add']> | null = null;
  let aRuns = 0;
  const a = loop.add(() => {
    log.push('a');
    if (++aRuns === 1) {
      a.wake(); // e.g. a transport calling onReady inside send()
      b!.wake();
    }
    return aRuns === 2 ? DONE : WAIT;
  });
  b = loop.add(() => {
    log.push('b');
    return WAIT;
  });
  loop.tick(); // a, b (b was already queued)
  assert.deepEqual(log, ['a', 'b']);
  loop.tick(); // a again (woken during its own step); b's wake came before it ran, so it waits
  assert.deepEqual(log, ['a', 'b', 'a']);
  assert.equal(a.done, true);
  b.cancel();
});

test('the time budget stops a tick between steps, and the tasks left run first next tick', () => {
  const { loop, host } = manualLoop({ budgetMs: 5 });
  const log: number[] = [];
  for (let i = 0; i < 4; i++) {
    loop.add(() => {
      log.push(i);
      host.clock += 3; // each step takes 3 ms
      return YIELD;
    });
  }
  assert.equal(loop.tick(), 2); // 3 ms < 5: a second step; 6 ms: stop
  assert.equal(loop.tick(), 2);
  assert.equal(loop.tick(), 2);
  assert.deepEqual(log, [0, 1, 2, 3, 0, 1]);
});

test('maxSteps bounds the steps per tick; a step longer than the budget still runs', () => {
  const { loop } = manualLoop({ maxSteps: 3 });
  const log: number[] = [];
  for (let i = 0; i < 5; i++) loop.add(() => (log.push(i), YIELD));
  assert.equal(loop.tick(), 3);
  assert.equal(loop.tick(), 3);
  assert.deepEqual(log, [0, 1, 2, 3, 4, 0]);
  const { loop: slow, host: slowHost } = manualLoop({ budgetMs: 1 });
  slow.add(() => ((slowHost.clock += 50), DONE));
  slow.add(() => DONE);
  assert.equal(slow.tick(), 1); // the first step of a tick always runs; after it, 50 ms are over the budget
  assert.equal(slow.tick(), 1);
});

test('CPU time and the longest step are measured with the host cpu() clock', () => {
  let cpu = 0;
  const loop = new Loop({ now: () => 0, schedule: () => undefined, cpu: () => cpu });
  let i = 0;
  const t = loop.add(() => {
    cpu += [2, 7, 1][i];
    return ++i === 3 ? DONE : YIELD;
  });
  loop.tick();
  loop.tick();
  loop.tick();
  assert.equal(t.cpuMs, 10);
  assert.equal(t.maxStepMs, 7);
  assert.equal(t.steps, 3);
});

test('a step that throws ends its task: onError hears it, the other tasks go on', () => {
  const errors: unknown[] = [];
  const { loop } = manualLoop({ onError: (_t, e) => errors.push(e) });
  const bad = loop.add(() => {
    throw new Error('boom');
  });
  let ok = 0;
  loop.add(() => (++ok === 2 ? DONE : YIELD));
  loop.tick();
  loop.tick();
  assert.equal((errors[0] as Error).message, 'boom');
  assert.equal(bad.done, true);
  assert.equal(bad.error, errors[0]);
  assert.equal(ok, 2);
  assert.equal(loop.size, 0);
});

test('without onError the error is rethrown from tick() and the loop stays usable', () => {
  const { loop } = manualLoop();
  loop.add(() => {
    throw new Error('boom');
  });
  let ran = false;
  loop.add(() => ((ran = true), DONE));
  assert.throws(() => loop.tick(), /boom/);
  assert.equal(loop.size, 1);
  loop.tick();
  assert.equal(ran, true);
});

test('a task cancelled while queued is skipped', () => {
  const { loop } = manualLoop();
  let ran = false;
  const t = loop.add(() => ((ran = true), DONE));
  t.cancel();
  assert.equal(loop.tick(), 0);
  assert.equal(ran, false);
  assert.equal(loop.size, 0);
});
