import {
  audiencesNaming,
  cycleThrough,
  validateCondition,
  type AudienceDefinitionEvent,
  type AudienceDefinitions,
  type ConditionContext,
} from '../../projections/audiences';
import type { Condition } from '../../projections/conditions';
import { notFound, unprocessable } from '../common';

/**
 * Audience definitions as a decider over one stream (like merge policies): a save is validated against what the
 * store knows at that moment (namespaces, computed attributes, other audiences) and refused whole, node by node.
 */
export type AudienceCommand =
  | { type: 'SaveAudience'; id: string; name: string; description?: string; condition: unknown }
  | { type: 'DeleteAudience'; id: string };

export type AudienceContext = Omit<ConditionContext, 'audiences'>;

export function decideAudience(
  command: AudienceCommand,
  state: AudienceDefinitions,
  ctx: AudienceContext,
): AudienceDefinitionEvent[] {
  if (command.type === 'DeleteAudience') return decideDelete(command.id, state);
  // The audience itself counts as known, so naming itself is reported as the cycle it is.
  const audiences = new Set([...state.byId.keys(), command.id]);
  const problems = validateCondition(command.condition, { ...ctx, audiences });
  if (problems.length > 0) {
    const details = problems.map((p) => ({ ...p, code: 'CONDITION_INVALID' }));
    throw unprocessable('CONDITION_INVALID', `${problems[0]!.path}: ${problems[0]!.message}`, details);
  }
  const condition = command.condition as Condition;
  const cycle = cycleThrough(state, command.id, condition);
  if (cycle) {
    throw unprocessable('AUDIENCE_CYCLE', `Audiences would name each other in a cycle: ${cycle.join(' → ')}`, [
      { path: 'condition', code: 'AUDIENCE_CYCLE', message: 'an audience cannot depend on itself', cycle },
    ]);
  }
  const version = (state.byId.get(command.id)?.version ?? 0) + 1;
  const description = command.description !== undefined ? { description: command.description } : {};
  return [{ type: 'AudienceSaved', data: { audienceId: command.id, name: command.name, ...description, condition, version } }];
}

function decideDelete(id: string, state: AudienceDefinitions): AudienceDefinitionEvent[] {
  if (!state.byId.has(id)) throw notFound('AUDIENCE_NOT_FOUND', `No audience ${id}`);
  const users = audiencesNaming(state, id);
  if (users.length > 0) {
    throw unprocessable('AUDIENCE_IN_USE', `Audience ${id} is named by ${users.join(', ')}`, [
      { path: 'id', code: 'AUDIENCE_IN_USE', message: 'named by other audiences', audiences: users },
    ]);
  }
  return [{ type: 'AudienceDeleted', data: { audienceId: id } }];
}
