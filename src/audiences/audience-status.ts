import { Injectable } from '@nestjs/common';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { PreviewAudience } from './preview-audience.query';

/**
 * An audience's `status` and `size`. Until memberships are kept by the projector, both are answered on read: the
 * size is an exact evaluation of the definition against every profile now (the preview's), so the status is `ready`.
 */
@Injectable()
export class AudienceStatus {
  constructor(
    private readonly audiences: AudienceDefinitionsService,
    private readonly previews: PreviewAudience,
  ) {}

  async statusOf(_id: string, _version: number): Promise<'backfilling' | 'ready'> {
    return 'ready';
  }

  async sizeOf(id: string): Promise<number> {
    const { condition } = await this.audiences.get(id);
    return (await this.previews.preview(condition, 0, Date.now())).size;
  }
}
