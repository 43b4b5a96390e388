import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../ingestion';

/** OpenAPI shapes of the Segment routes, and what the contract leaves open, said once for every route. */
export const SEGMENT_DESCRIPTION = [
  'Segment HTTP Tracking API bodies, authenticated by a write key (SEGMENT_WRITE_KEYS): HTTP Basic with the key as',
  'user name (password ignored), or `writeKey` in the body; a Basic header naming an unknown key is refused even if',
  'the body holds a good one. Any content type is read as JSON; gzip (Content-Encoding: gzip, or sniffed by its magic',
  'bytes) and deflate are inflated. Limits: 500 KB (512,000 bytes) per request and 32 KB (32,768 bytes) per message,',
  'both on the inflated JSON (a message is measured as compact JSON); inflating stops at 500 KB, so a gzip bomb costs',
  'no more. A request over 500 KB is 413 REQUEST_TOO_LARGE and nothing is stored; a message over 32 KB is rejected',
  'alone (MESSAGE_TOO_LARGE). A batch holds at most 2,500 messages; later ones are rejected (BATCH_TOO_MANY_ITEMS).',
  'Answers: 200 {"success": true} when every message is stored (a resend of a stored messageId counts as stored);',
  'otherwise 200 {"success": false, "rejected": [{"index", "code", "message"}]} with the valid messages stored.',
  'Message codes: VALIDATION_FAILED, MESSAGE_TOO_LARGE, UNKNOWN_TYPE, USER_OR_ANONYMOUS_ID_REQUIRED,',
  'EVENT_NAME_REQUIRED, GROUP_ID_REQUIRED, PREVIOUS_ID_REQUIRED, TIMESTAMP_INVALID, BATCH_TOO_MANY_ITEMS, and every',
  'code of ordinary ingestion (UNKNOWN_NAMESPACE, NO_IDENTITY, INVALID_ATTRIBUTE_KEY, FORBIDDEN_KEY, ...).',
  'Mapping choices the contract leaves open: the call type comes from the path (a body `type` is ignored there);',
  'a missing messageId becomes a digest of the message without sentAt and writeKey, so a resend is still a duplicate;',
  'a group call\'s traits describe the group and name no identity of the person; the advertising id maps to IDFA for',
  'iOS, iPadOS, tvOS and watchOS, to GAID for Android, and is left out when adTrackingEnabled is false or it is all',
  'zeros; the batch\'s `context` fills in what a message\'s own `context` lacks; ids may be strings or numbers.',
  'A store failure answers 503 (retry: stored messages are duplicates the second time).',
].join(' ');

export class SegmentMessageDto {
  @ApiPropertyOptional({ example: 'user-42' }) userId?: string;
  @ApiPropertyOptional({ example: 'd9c0a8f2-0d7e-4a5b-9c1e-5f2b7a3c9e01' }) anonymousId?: string;
  @ApiPropertyOptional({ description: 'The idempotency key (item id); a resend is a duplicate' }) messageId?: string;
  @ApiPropertyOptional({ enum: ['identify', 'track', 'page', 'screen', 'group', 'alias'], description: 'Batch items only' }) type?: string;
  @ApiPropertyOptional({ example: 'Order Completed', description: 'track: the event type' }) event?: string;
  @ApiPropertyOptional({ example: { plan: 'pro' } }) properties?: Record<string, unknown>;
  @ApiPropertyOptional({ example: { email: 'tom@acme.com', firstName: 'Tom' } }) traits?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'group: the group traits go under groups.<groupId>' }) groupId?: string;
  @ApiPropertyOptional({ description: 'alias: the earlier id, in the anonymousId namespace' }) previousId?: string;
  @ApiPropertyOptional({ description: 'page/screen: added to data' }) name?: string;
  @ApiPropertyOptional({ description: 'traits.email, device.advertisingId and os.name name identities' }) context?: Record<string, unknown>;
  @ApiPropertyOptional({ example: '2024-05-01T12:00:00Z', description: 'Else originalTimestamp; corrected by sentAt' }) timestamp?: string;
  @ApiPropertyOptional({ description: 'When the device sent it, by its own clock' }) sentAt?: string;
  @ApiPropertyOptional({ description: 'Instead of HTTP Basic' }) writeKey?: string;
}

export class SegmentBatchDto {
  @ApiProperty({ type: [SegmentMessageDto] }) batch!: SegmentMessageDto[];
  @ApiPropertyOptional({ description: 'Used for messages without their own sentAt' }) sentAt?: string;
  @ApiPropertyOptional({ description: 'Fills in what a message\'s own context lacks' }) context?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Instead of HTTP Basic' }) writeKey?: string;
}

class SegmentRejectionDto {
  @ApiProperty({ description: 'Position in `batch`; 0 for a single call' }) index!: number;
  @ApiProperty({ example: 'USER_OR_ANONYMOUS_ID_REQUIRED' }) code!: string;
  @ApiProperty() message!: string;
}

export class SegmentAnswerDto {
  @ApiProperty({ description: 'true when every message is stored' }) success!: boolean;
  @ApiPropertyOptional({ type: [SegmentRejectionDto], description: 'Present when success is false' }) rejected?: SegmentRejectionDto[];
}

const REFUSALS = [
  ApiResponse({ status: 400, type: ErrorResponseDto, description: 'The body is not JSON: MALFORMED_JSON, EMPTY_BODY, INVALID_UTF8, MALFORMED_BODY_ENCODING' }),
  ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHENTICATED: no write key, or an unknown one' }),
  ApiResponse({ status: 413, type: ErrorResponseDto, description: 'REQUEST_TOO_LARGE: over 500 KB once inflated' }),
  ApiResponse({ status: 415, type: ErrorResponseDto, description: 'UNSUPPORTED_CONTENT_ENCODING: neither identity, gzip nor deflate' }),
  ApiResponse({ status: 422, type: ErrorResponseDto, description: 'SEGMENT_BATCH_INVALID (batch only): `batch` is not an array' }),
  ApiResponse({ status: 503, type: ErrorResponseDto, description: 'The event log did not take the messages; retry' }),
];

export const SegmentRefusals: MethodDecorator = (target, key, descriptor) => {
  REFUSALS.forEach((d) => d(target, key, descriptor));
};
