import { ApiErrors } from './api-errors.decorator';

/** Where @nestjs/swagger keeps a route's responses (its DECORATORS.API_RESPONSE, not exported from the package). */
const API_RESPONSE = 'swagger/apiResponse';

class Route {
  @ApiErrors('PROFILE_NOT_FOUND', 'GRAPH_PATH_NOT_FOUND', 'EXPLAIN_TARGET_INVALID')
  explain(): void {}
}

describe('ApiErrors', () => {
  it('derives one OpenAPI response per status from the catalogue, each code with its role', () => {
    const responses = Reflect.getMetadata(API_RESPONSE, Route.prototype.explain);
    expect(responses).toEqual({
      404: {
        description:
          'PROFILE_NOT_FOUND: Nothing is known of this identity; GRAPH_PATH_NOT_FOUND: The two identities are not in one graph',
      },
      400: { description: 'EXPLAIN_TARGET_INVALID: to is not <namespace>:<id>' },
    });
  });
});
