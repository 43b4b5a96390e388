import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../common';
import { ChangeIdentitySettingsCommand, SettingsChanged } from './change-identity-settings.command';
import { IdentitySettingsResponseDto, PutIdentitySettingsDto, SettingsChangedResponseDto } from './identity-settings.dto';
import { IdentitySettingsService } from './identity-settings.service';

@ApiTags('identity')
@Controller('v1/identity/settings')
export class IdentitySettingsController {
  constructor(
    private readonly settings: IdentitySettingsService,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'The identity namespaces in priority order, the graph cap and the settings version' })
  @ApiOkResponse({ type: IdentitySettingsResponseDto })
  async get(): Promise<IdentitySettingsResponseDto> {
    const { settings, version } = await this.freshest();
    return { namespaces: settings.namespaces, graphCap: settings.graphCap, version };
  }

  @Put()
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Replace the identity settings; appends IdentitySettingsChanged (the graph is re-derived)' })
  @ApiBody({ type: PutIdentitySettingsDto })
  @ApiOkResponse({ type: SettingsChangedResponseDto })
  @ApiErrors('SETTINGS_NO_NAMESPACE', 'SETTINGS_TOO_MANY_NAMESPACES', 'NAMESPACE_CODE_INVALID', 'NAMESPACE_CODE_DUPLICATE', 'NAMESPACE_TYPE_INVALID', 'NAMESPACE_NOT_UNIQUE_CAPABLE', 'GRAPH_CAP_INVALID')
  async put(@Body() body: unknown): Promise<SettingsChanged> {
    const dto = validateBody(PutIdentitySettingsDto, body);
    const namespaces = dto.namespaces.map((n) => ({ code: n.code, type: n.type, unique: n.unique }));
    return this.commands.execute(new ChangeIdentitySettingsCommand({ namespaces, graphCap: dto.graphCap }));
  }

  /** Another instance may have changed the settings in distributed mode; embedded, memory is the truth. */
  private freshest() {
    return this.settings.distributed ? this.settings.refresh() : Promise.resolve(this.settings.current());
  }
}
