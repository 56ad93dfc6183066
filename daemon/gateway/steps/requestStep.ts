import type { ChatResult } from '../../../protocol';
import type { RequestContext } from '../requestContext';
import type { Step } from '../runSteps';

/** A step around the upstream call: it gets the request's context and the rest of the pipeline. */
export type RequestStep = Step<RequestContext, ChatResult>;
