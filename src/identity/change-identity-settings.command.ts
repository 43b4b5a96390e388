import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Position } from '../event-store';
import type { ChangeIdentitySettings } from './identity-settings.decider';
import { IdentitySettingsService } from './identity-settings.service';

export interface SettingsChanged {
  version: number;
  position: Position;
}

export class ChangeIdentitySettingsCommand extends Command<SettingsChanged> {
  constructor(readonly change: ChangeIdentitySettings) {
    super();
  }
}

/** Thin shell: the service loads, folds, decides and appends with the exact revision. */
@CommandHandler(ChangeIdentitySettingsCommand)
export class ChangeIdentitySettingsHandler implements ICommandHandler<ChangeIdentitySettingsCommand, SettingsChanged> {
  constructor(private readonly settings: IdentitySettingsService) {}

  execute(command: ChangeIdentitySettingsCommand): Promise<SettingsChanged> {
    return this.settings.change(command.change);
  }
}
