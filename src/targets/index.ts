import type { Platform } from '../project/project.js';
import { cloudRunTarget } from './cloudrun.js';
import { lambdaTarget } from './lambda.js';
import type { Target } from './target.js';

export type { DeployContext, DeployFlags, DeployOutcome, DevContext, DevFunction, DevServer, Target } from './target.js';

/** The one place that maps a platform to its target adapter. */
export function targetFor(platform: Platform): Target {
  return platform === 'cloudrun' ? cloudRunTarget : lambdaTarget;
}
