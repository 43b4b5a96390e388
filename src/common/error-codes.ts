/**
 * The error-code catalogue: every code a client can meet, with the HTTP status it is answered with and its role
 * (what it means, in the words the OpenAPI document shows). AppError takes its status from here, and @ApiErrors
 * (api-errors.decorator.ts) derives a route's error responses from here, so a code has one status and one meaning.
 *
 * Adding a code: one line in its area below (UPPER_SNAKE, `<SUBJECT>_<PROBLEM>`, e.g. AUDIENCE_NOT_FOUND), then
 * throw it with appError(code, message) or a helper of app-error.ts. Codes are stable across releases: never
 * reuse or rename one; a folded duplicate stays listed with `replacedBy`.
 */
export interface ErrorCodeEntry {
  status: 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 414 | 415 | 422 | 429 | 431 | 500 | 503;
  role: string;
  /** A former name: no longer sent, kept listed so it is never reused for another meaning. */
  replacedBy?: string;
}

const REQUEST = {
  VALIDATION_FAILED: { status: 400, role: 'The body or query has the wrong shape; details name each field' },
  MALFORMED_JSON: { status: 400, role: 'The body is not JSON (or NDJSON)' },
  MALFORMED_BODY_ENCODING: { status: 400, role: 'The body does not inflate as its Content-Encoding says' },
  INVALID_UTF8: { status: 400, role: 'The body is not valid UTF-8' },
  EMPTY_BODY: { status: 400, role: 'The request body is empty' },
  INVALID_CONTENT_LENGTH: { status: 400, role: 'Content-Length does not match the body' },
  BAD_REQUEST: { status: 400, role: 'The request was rejected before reaching a route' },
  MALFORMED_URL: { status: 400, role: 'The URL holds an invalid percent-encoding' },
  POSITION_INVALID: { status: 400, role: 'A position this service did not return (minPosition, from)' },
  INVALID_POSITION: { status: 400, role: 'Former name of POSITION_INVALID', replacedBy: 'POSITION_INVALID' },
  LIMIT_INVALID: { status: 400, role: 'limit is not an integer in the allowed range' },
  IDENTITY_INVALID: { status: 400, role: 'The identity in the path is not <namespace>/<id>' },
  UNAUTHENTICATED: { status: 401, role: 'No or unknown API key' },
  FORBIDDEN_SCOPE: { status: 403, role: 'The API key lacks the scope the route needs' },
  FORBIDDEN: { status: 403, role: 'The request is not allowed' },
  ROUTE_NOT_FOUND: { status: 404, role: 'No such route' },
  NOT_FOUND: { status: 404, role: 'Nothing is known at this address' },
  METHOD_NOT_ALLOWED: { status: 405, role: 'The route does not take this method' },
  CONFLICT: { status: 409, role: 'The request conflicts with the current state' },
  REQUEST_TOO_LARGE: { status: 413, role: 'The request body is larger than the configured limit' },
  MALFORMED_REQUEST: { status: 400, role: 'The request is not valid HTTP' },
  REQUEST_TIMEOUT: { status: 408, role: 'The request did not arrive in time' },
  URI_TOO_LONG: { status: 414, role: 'The request URL is longer than the service accepts' },
  HEADERS_TOO_LARGE: { status: 431, role: 'The request line and headers are larger than the service accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, role: 'The Content-Type is missing or not one the route takes' },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415, role: 'The Content-Encoding is not identity or gzip' },
  UNPROCESSABLE: { status: 422, role: 'The request is well-formed but breaks a rule' },
  TOO_MANY_REQUESTS: { status: 429, role: 'Too many requests; retry later' },
  INTERNAL: { status: 500, role: 'The service failed to handle the request (a server fault, logged)' },
  NOT_READY: { status: 503, role: 'The service is not ready; details name the failing checks' },
} as const;

const ITEMS = {
  UNKNOWN_KIND: { status: 400, role: 'A batch item whose kind is not record, event or link' },
  BATCH_NOT_ARRAY: { status: 400, role: 'A batch body that is not a JSON array (or NDJSON lines)' },
  BATCH_TOO_MANY_ITEMS: { status: 413, role: 'A batch holds more items than allowed' },
  RECORD_TOO_LARGE: { status: 413, role: 'A record is larger than the configured limit' },
  EVENT_TOO_LARGE: { status: 413, role: 'An event is larger than the configured limit' },
  LINK_TOO_LARGE: { status: 413, role: 'A link is larger than the configured limit' },
  UNKNOWN_NAMESPACE: { status: 422, role: 'An identity of a namespace that is not registered' },
  IDENTITY_VALUE_TOO_LONG: { status: 422, role: 'An identity value longer than the limit after trimming' },
  IDENTITY_VALUE_BLOCKED: { status: 422, role: 'A request names an identity by a blocked value (empty, null, unknown, ...)' },
  TOO_MANY_IDENTITIES: { status: 422, role: 'An item holds more identities than allowed' },
  NO_IDENTITY: { status: 422, role: 'No identity is left once blocked values are dropped' },
  UNIQUE_NAMESPACE_CONFLICT: { status: 422, role: 'Two different values of one unique namespace in the same item' },
  LINK_NEEDS_TWO_IDENTITIES: { status: 422, role: 'A link with fewer than two distinct identities' },
  MULTIPLE_PRIMARY_IDENTITIES: { status: 422, role: 'More than one identity of a record is marked primary' },
  TIMESTAMP_REQUIRED: { status: 422, role: 'The item needs a timestamp' },
  TIMESTAMP_INVALID: { status: 422, role: 'A timestamp that is not ISO-8601 with a zone' },
  INVALID_ATTRIBUTE_KEY: { status: 422, role: 'An attribute key that cannot be a leaf path' },
  FORBIDDEN_KEY: { status: 422, role: 'A key such as __proto__ that the service never stores' },
  NESTING_TOO_DEEP: { status: 422, role: 'A payload nested deeper than allowed' },
} as const;

const SETTINGS = {
  SETTINGS_INVALID: { status: 422, role: 'Identity settings (or simulator namespaces) that break a rule' },
  SETTINGS_NO_NAMESPACE: { status: 422, role: 'Identity settings without any namespace' },
  SETTINGS_TOO_MANY_NAMESPACES: { status: 422, role: 'Identity settings with more namespaces than allowed' },
  NAMESPACE_CODE_INVALID: { status: 422, role: 'A namespace code that is not a valid code' },
  NAMESPACE_CODE_DUPLICATE: { status: 422, role: 'A namespace listed twice' },
  NAMESPACE_TYPE_INVALID: { status: 422, role: 'A namespace type that is not one of the known types' },
  NAMESPACE_NOT_UNIQUE_CAPABLE: { status: 422, role: 'Only person, email and phone namespaces may be unique' },
  GRAPH_CAP_INVALID: { status: 422, role: 'A graph cap out of range' },
  MERGE_POLICY_ID_INVALID: { status: 400, role: 'A merge policy id that is not a valid id' },
  MERGE_POLICY_NOT_FOUND: { status: 404, role: 'No merge policy with this id' },
  MERGE_POLICY_DEFAULT_REQUIRED: { status: 409, role: 'The default merge policy cannot be demoted or deleted directly' },
  STREAM_REVISION_CONFLICT: { status: 409, role: 'A concurrent change won; read again and retry' },
} as const;

const PROFILES = {
  PROFILE_NOT_FOUND: { status: 404, role: 'Nothing is known of this identity' },
  GRAPH_PATH_NOT_FOUND: { status: 404, role: 'The two identities are not in one graph' },
  EXPLAIN_TARGET_INVALID: { status: 400, role: 'to is not <namespace>:<id>' },
  AS_OF_TOO_LARGE: { status: 422, role: 'The history asOf must replay reaches past the limit' },
  READ_MODEL_STALE: { status: 503, role: 'The read models did not reach minPosition in time' },
  READ_STORE_BAD_CURSOR: { status: 400, role: 'A cursor this query did not return' },
  READ_STORE_BAD_LIMIT: { status: 400, role: 'A page size out of range' },
  READ_STORE_BAD_ORDER: { status: 400, role: 'An order that is not asc or desc' },
  READ_STORE_BAD_WINDOW: { status: 400, role: 'A time window whose end is before its start' },
} as const;

const OPERATIONS = {
  LINK_ALREADY_REJECTED: { status: 409, role: 'An active rejection of the same pair exists' },
  LINK_REJECTION_ID_TAKEN: { status: 409, role: 'A rejection with this id exists' },
  LINK_REJECTION_ALREADY_WITHDRAWN: { status: 409, role: 'The rejection was withdrawn already' },
  LINK_REJECTION_NOT_FOUND: { status: 404, role: 'No link rejection with this id' },
  LINK_REJECTION_SAME_IDENTITY: { status: 422, role: 'A rejection of an identity paired with itself' },
  PRIVACY_REQUEST_NOT_FOUND: { status: 404, role: 'No privacy request with this id' },
  PRIVACY_SUBJECT_ERASED: { status: 422, role: 'The subject of this request was erased before it ran' },
  PRIVACY_SUPPRESS_NEEDS_ERASE: { status: 422, role: 'suppress applies only to erase requests' },
} as const;

const FEATURES = {
  CONDITION_INVALID: { status: 422, role: 'A condition that breaks a rule; details[].path names each offending node' },
  COMPUTED_ATTRIBUTE_INVALID: { status: 422, role: 'A computed attribute definition that breaks a rule' },
  COMPUTED_ATTRIBUTE_NOT_FOUND: { status: 404, role: 'No computed attribute with this name' },
  AUDIENCE_ID_INVALID: { status: 400, role: 'An audience id that is not a valid id' },
  AUDIENCE_NOT_FOUND: { status: 404, role: 'No audience with this id' },
  AUDIENCE_CYCLE: { status: 422, role: 'Audiences that name each other in a cycle' },
  AUDIENCE_IN_USE: { status: 422, role: 'Another audience names this one' },
  CHANGE_CURSOR_INVALID: { status: 400, role: 'A change-feed cursor this service did not return' },
  CHANGE_TYPE_UNKNOWN: { status: 400, role: 'A change type the feed does not know' },
  DESTINATION_ID_INVALID: { status: 400, role: 'A destination id that is not a valid id' },
  DESTINATION_INVALID: { status: 422, role: 'A destination that breaks a rule (url, types, audiences)' },
  DESTINATION_NOT_FOUND: { status: 404, role: 'No destination with this id' },
  EVENT_NAME_REQUIRED: { status: 422, role: 'A Segment track call without an event name' },
  GROUP_ID_REQUIRED: { status: 422, role: 'A Segment group call without a groupId' },
  PREVIOUS_ID_REQUIRED: { status: 422, role: 'A Segment alias call without a previousId' },
  USER_OR_ANONYMOUS_ID_REQUIRED: { status: 422, role: 'A Segment message with neither userId nor anonymousId' },
  UNKNOWN_TYPE: { status: 422, role: 'A Segment message of a type the service does not take' },
  MESSAGE_TOO_LARGE: { status: 422, role: 'A Segment message larger than the limit' },
  SEGMENT_BATCH_INVALID: { status: 422, role: 'A Segment batch call whose batch is not an array of messages' },
} as const;

const STORES = {
  EVENT_STORE_UNAVAILABLE: { status: 503, role: 'The event log cannot be used now; retry later' },
  EVENT_STORE_CLOSED: { status: 503, role: 'The event log is closing' },
  EVENT_STORE_APPEND_TOO_LARGE: { status: 413, role: "An append larger than the event store's maximum" },
  EVENT_STREAM_DELETED: { status: 409, role: 'The stream was deleted' },
  INVALID_EVENTS: { status: 400, role: 'An append whose events are not well-formed (event store port)' },
  INVALID_STREAM: { status: 400, role: 'A stream name the event store does not take' },
  INVALID_EXPECTED_REVISION: { status: 400, role: 'An expected revision that is not a revision' },
  READ_STORE_UNAVAILABLE: { status: 503, role: 'The read store cannot be used now; retry later' },
  READ_STORE_WRITE_CONFLICT: { status: 409, role: 'Another writer changed the same read models; retry the batch' },
  READ_MODEL_REJECTED: { status: 422, role: 'The read store refused a read-model write for good (the projector parks)' },
  READ_MODEL_FENCED: { status: 409, role: 'A read-model write under a projector lease another projector has since taken' },
  KEY_STORE_UNAVAILABLE: { status: 503, role: 'The key store cannot be used now; retry later' },
} as const;

export const ERROR_CODES = { ...REQUEST, ...ITEMS, ...SETTINGS, ...PROFILES, ...OPERATIONS, ...FEATURES, ...STORES } satisfies Record<
  string,
  ErrorCodeEntry
>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]['status'];
/** The codes answered with status S: what each helper of app-error.ts accepts. */
export type ErrorCodeWithStatus<S extends ErrorStatus> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never }[ErrorCode];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

export function statusOf(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code].status;
}
