import { Module } from '@nestjs/common';
import { ComputedAttributesController } from './computed-attributes.controller';
import { ComputedAttributesService } from './computed-attributes.service';
import { ComputedHistoryReader } from './computed-history.reader';
import { ComputedValuesReader } from './computed-values.reader';

/** Computed attributes: definitions written by admins; values computed by the projector (src/read-models). */
@Module({
  controllers: [ComputedAttributesController],
  providers: [ComputedAttributesService, ComputedValuesReader, ComputedHistoryReader],
  exports: [ComputedAttributesService, ComputedValuesReader, ComputedHistoryReader],
})
export class ComputedAttributesModule {}
