import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError, loadConfig } from '../../src/config/loader';
import { withStackProblems } from '../stack';
import { AgentO11yStack } from './stack';

/**
 * The Pulumi program (Pulumi.yaml `main`). Pulumi runs it in the project directory, so the stack config is
 * `agent-o11y.yaml` there, or the file the `agent-o11y:configFile` setting names, relative to it.
 */
function deployStack(): AgentO11yStack {
  const file = path.resolve(new pulumi.Config('agent-o11y').get('configFile') ?? 'agent-o11y.yaml');
  try {
    return new AgentO11yStack('agent-o11y', { config: withStackProblems(() => loadConfig(file)) });
  } catch (e) {
    // A user's mistake: one line per problem, without Pulumi's stack trace.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const stack = deployStack();

/** The namespace the stack runs in. */
export const namespace = stack.config.common.namespace;
