import { describe, expect, it } from 'vitest';
import { OptimizerHold } from '../../../../daemon/compose/optimizerHold';

/**
 * The hold's flag sequence, with the flag setter recorded: the flags are process-wide, and vitest's
 * workers share the process. The real V8 honouring them is test/integration/optimizerHold.test.ts.
 */
describe('OptimizerHold', () => {
  const recorded = (): { flags: string[]; hold: OptimizerHold } => {
    const flags: string[] = [];
    return { flags, hold: new OptimizerHold((f) => void flags.push(f), []) };
  };

  it('turns TurboFan off, and on again once however often it is released', () => {
    const { flags, hold } = recorded();
    expect(hold.state).toBe('not held');
    expect(hold.hold()).toBe(true);
    expect(hold.state).toBe('held');
    hold.release();
    hold.release();
    expect(hold.state).toBe('released');
    expect(flags).toEqual(['--no-turbofan', '--turbofan']);
  });

  it('writes the code cache with the flags the bundle was compiled under', () => {
    const { flags, hold } = recorded();
    hold.hold();
    hold.asAtStart(() => flags.push('flush while held'));
    hold.release();
    hold.asAtStart(() => flags.push('flush after release'));
    expect(flags).toEqual([
      '--no-turbofan',
      'flush while held',
      '--turbofan',
      '--no-turbofan',
      'flush after release',
      '--turbofan',
    ]);
  });

  it('restores the optimizer even when the flush throws', () => {
    const { flags, hold } = recorded();
    hold.hold();
    hold.release();
    expect(() =>
      hold.asAtStart(() => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(flags.at(-1)).toBe('--turbofan');
  });

  it('changes nothing where the runtime refuses to change V8 flags', () => {
    const hold = new OptimizerHold(() => {
      throw new Error('flags are frozen');
    }, []);
    expect(hold.hold()).toBe(false);
    expect(hold.state).toBe('not held');
    expect(() => hold.release()).not.toThrow();
    let ran = false;
    hold.asAtStart(() => (ran = true));
    expect(ran).toBe(true);
  });

  it('never throws from release, which runs on the request path', () => {
    const hold = new OptimizerHold((f) => {
      if (f === '--turbofan') throw new Error('flags are frozen now');
    }, []);
    expect(hold.hold()).toBe(true);
    expect(() => hold.release()).not.toThrow();
    expect(hold.state).toBe('released');
  });

  it.each(['--no-opt', '--no-turbofan', '--jitless'])('leaves a runtime started with %s as it is', (flag) => {
    const flags: string[] = [];
    const hold = new OptimizerHold((f) => void flags.push(f), ['--max-semi-space-size=4', flag]);
    expect(hold.hold()).toBe(false);
    hold.release();
    expect(flags).toEqual([]);
    expect(hold.state).toBe('not held');
  });
});
