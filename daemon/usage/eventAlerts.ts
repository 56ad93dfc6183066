import type { Alert, ModelDeprecation } from '../../protocol';

/** A configured model past or near its end of life, as an alert (critical once it is past). */
export function deprecationAlert(d: ModelDeprecation, at: number): Alert {
  return {
    id: `model_deprecated:${d.provider}/${d.model}`,
    kind: 'model_deprecated',
    severity: d.state === 'past' ? 'critical' : 'warning',
    message: d.message,
    value: 1,
    threshold: 1,
    firedAt: at,
    lastSentAt: at,
    clearedAt: null,
  };
}

export interface KeyRejection {
  provider: string;
  profile: string;
  keyId: string;
  nextKeyId: string | undefined;
}

/** A key answered 401: critical when no other key is left, with what to do next. */
export function keyRejectedAlert(e: KeyRejection, at: number): Alert {
  const message = `The ${e.provider} key ${e.keyId} (profile ${e.profile}) was rejected with 401; ${e.nextKeyId ? `requests now use ${e.nextKeyId}` : 'no other key is left'}. Replace it with \`conduit key set ${e.provider}\`.`;
  return {
    id: `key_rejected:${e.provider}:${e.profile}:${e.keyId}`,
    kind: 'key_rejected',
    severity: e.nextKeyId ? 'warning' : 'critical',
    message,
    value: 1,
    threshold: 1,
    firedAt: at,
    lastSentAt: at,
    clearedAt: null,
  };
}

export interface UnpricedUse {
  provider: string;
  model: string;
  assumedFrom: string;
  policy: 'reserve-dearest' | 'refuse';
}

/** A model without a known price was used (or refused): once per model while the daemon runs. */
export function unpricedModelAlert(e: UnpricedUse, at: number): Alert {
  const message =
    e.policy === 'refuse'
      ? `${e.provider}/${e.model} has no known price, so requests to it are refused while a budget applies (budgets.unpricedModels is "refuse"). Add its price under \`prices\` in config.json, or run \`conduit models update\`.`
      : `${e.provider}/${e.model} has no known price; it is reserved and billed at ${e.provider}'s dearest prices (${e.assumedFrom}), recorded as approximate. Add its price under \`prices\` in config.json, or run \`conduit models update\`.`;
  return {
    id: `model_unpriced:${e.provider}/${e.model}`,
    kind: 'model_unpriced',
    severity: 'warning',
    message,
    value: 1,
    threshold: 1,
    firedAt: at,
    lastSentAt: at,
    clearedAt: null,
  };
}
