import { Module } from '@nestjs/common';
import { ComputedAttributesController } from './computed-attributes.controller';
import { ComputedAttributesService } from './computed-attributes.service';

/** Computed attributes: definitions written by admins; values computed by the projector (src/read-models). */
@Module({
  controllers: [ComputedAttributesController],
  providers: [ComputedAttributesService],
  exports: [ComputedAttributesService],
})
export class ComputedAttributesModule {}
