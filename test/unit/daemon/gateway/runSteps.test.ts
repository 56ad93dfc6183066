import { describe, expect, it } from 'vitest';
import { runSteps, type Step } from '../../../../daemon/gateway/runSteps';

interface Ctx {
  trail: string[];
  value: number;
}

/** A step that notes when it enters and leaves, and hands the context on unchanged. */
const noting =
  (name: string): Step<Ctx, string> =>
  async (ctx, next) => {
    ctx.trail.push(`${name} in`);
    const out = await next(ctx);
    ctx.trail.push(`${name} out`);
    return out;
  };

describe('runSteps', () => {
  it('runs the steps in list order, each around the rest, with the last step innermost', async () => {
    const ctx: Ctx = { trail: [], value: 0 };
    const out = await runSteps([noting('a'), noting('b'), noting('c')], ctx, async (c) => {
      c.trail.push('last');
      return 'answer';
    });
    expect(out).toBe('answer');
    expect(ctx.trail).toEqual(['a in', 'b in', 'c in', 'last', 'c out', 'b out', 'a out']);
  });

  it('a step that answers without calling next ends the run there: no later step and no last step runs', async () => {
    const ctx: Ctx = { trail: [], value: 0 };
    const answering: Step<Ctx, string> = async (c) => {
      c.trail.push('hit');
      return 'from the step';
    };
    const out = await runSteps([noting('a'), answering, noting('c')], ctx, async (c) => {
      c.trail.push('last');
      return 'upstream';
    });
    expect(out).toBe('from the step');
    expect(ctx.trail).toEqual(['a in', 'hit', 'a out']);
  });

  it('a step hands the rest a changed copy of the context; the steps before it keep theirs', async () => {
    const seen: number[] = [];
    const outer: Step<Ctx, string> = async (ctx, next) => {
      const out = await next(ctx);
      seen.push(ctx.value);
      return out;
    };
    const changing: Step<Ctx, string> = (ctx, next) => next({ ...ctx, value: ctx.value + 41 });
    const out = await runSteps([outer, changing, noting('after')], { trail: [], value: 1 }, async (c) => {
      seen.push(c.value);
      return String(c.value);
    });
    expect(out).toBe('42');
    expect(seen).toEqual([42, 1]);
  });

  it('a step that throws rejects the run, and the steps after it never run', async () => {
    const ctx: Ctx = { trail: [], value: 0 };
    const refusing: Step<Ctx, string> = () => {
      throw new Error('over budget');
    };
    const ran: string[] = [];
    const run = runSteps([noting('a'), refusing, noting('c')], ctx, async () => {
      ran.push('last');
      return 'upstream';
    });
    await expect(run).rejects.toThrow('over budget');
    // 'a' saw the rejection: it entered and never left.
    expect(ctx.trail).toEqual(['a in']);
    expect(ran).toEqual([]);
  });

  it('a step may run the rest more than once (a repair, a retry), each time from the next step on', async () => {
    const ctx: Ctx = { trail: [], value: 0 };
    const twice: Step<Ctx, string> = async (c, next) => {
      const first = await next({ ...c, value: 1 });
      const second = await next({ ...c, value: 2 });
      return `${first}+${second}`;
    };
    const out = await runSteps([twice, noting('b')], ctx, async (c) => String(c.value));
    expect(out).toBe('1+2');
    expect(ctx.trail).toEqual(['b in', 'b out', 'b in', 'b out']);
  });

  it('no steps: the last step alone gets the context', async () => {
    expect(await runSteps<Ctx, string>([], { trail: [], value: 7 }, async (c) => String(c.value))).toBe('7');
  });
});
