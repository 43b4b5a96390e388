import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { RequireScope } from '../common';
import { destinationId, type DestinationView } from './destination';
import { DestinationsService } from './destinations.service';

/** Webhook destinations (admin only): every definition holds a signing secret, and replay re-sends changes. */
@ApiTags('destinations')
@RequireScope('admin')
@Controller('v1/destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Get()
  @ApiOperation({ summary: 'Every destination with its delivery status' })
  async list(): Promise<{ items: DestinationView[] }> {
    return { items: await this.destinations.list() };
  }

  @Get(':id')
  @ApiOkResponse({ description: '{id, url, types, audiences, enabled, status: active|retrying|disabled, lag, lastDeliveredAt, lastError}' })
  @ApiNotFoundResponse({ description: 'DESTINATION_NOT_FOUND' })
  get(@Param('id') id: string): Promise<DestinationView> {
    return this.destinations.get(destinationId(id));
  }

  @Put(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create or replace a webhook destination {url, types?, audiences?, enabled?}',
    description:
      'A new destination receives the changes made after it was created; its `secret` (whsec_ + base64, the ' +
      'Standard Webhooks signing key) is answered by the PUT that creates it and never again. Replacing keeps the ' +
      'secret and the cursor. `audiences` limits audience.entered/exited items to those audiences.',
  })
  @ApiUnprocessableEntityResponse({ description: 'DESTINATION_INVALID: url not http(s), unknown type, bad audience id' })
  put(@Param('id') id: string, @Body() body: unknown): Promise<DestinationView & { secret?: string }> {
    return this.destinations.put(destinationId(id), body);
  }

  @Delete(':id')
  @ApiNotFoundResponse({ description: 'DESTINATION_NOT_FOUND' })
  delete(@Param('id') id: string): Promise<DestinationView> {
    return this.destinations.delete(destinationId(id));
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-send every change after `from` (a feed id, exclusive; "" for the start), in order' })
  @ApiNotFoundResponse({ description: 'DESTINATION_NOT_FOUND' })
  replay(@Param('id') id: string, @Body() body: unknown): Promise<DestinationView> {
    return this.destinations.replay(destinationId(id), body);
  }
}
