import { textOf, type ChatRequest } from '../../protocol';
import type { ArmSettings, ExperimentSettings } from './experimentSettings';
import { nodeCrypto } from '../platform/nodeCrypto';

/**
 * A/B assignment. The arm is a pure function of the experiment id and a stable key (the request's
 * `experimentKey`, else its canonical prompt), so a retry of the same request lands on the same
 * arm, and the split follows the weights over many keys.
 */

/** The experiment that applies to a feature: the first enabled one that names it. */
export function experimentFor(
  feature: string,
  experiments: readonly ExperimentSettings[],
): ExperimentSettings | undefined {
  return experiments.find((e) => e.enabled && e.feature === feature);
}

/** The stable key: what the client gave, or the prompt with runs of whitespace as one space. */
export function experimentKeyOf(request: Pick<ChatRequest, 'messages' | 'system' | 'experimentKey'>): string {
  if (request.experimentKey !== undefined && request.experimentKey !== '') return request.experimentKey;
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return JSON.stringify([norm(request.system ?? ''), request.messages.map((m) => [m.role, norm(textOf(m.content))])]);
}

/** A point in [0, 1) from the first 48 bits of sha256(id + key). */
export function unitHash(experimentId: string, key: string): number {
  const digest = nodeCrypto().createHash('sha256').update(experimentId).update('\0').update(key).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function assignArm(experiment: ExperimentSettings, key: string): ArmSettings {
  const total = experiment.arms.reduce((s, a) => s + a.weight, 0);
  const point = unitHash(experiment.id, key) * total;
  let edge = 0;
  for (const arm of experiment.arms) {
    edge += arm.weight;
    if (point < edge) return arm;
  }
  return experiment.arms[experiment.arms.length - 1]!;
}

/** How the ledger's experiment_arm column names an arm. */
export function armLabel(experimentId: string, arm: string): string {
  return `${experimentId}/${arm}`;
}
