import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';

export const MATRIX_VERSION_HEADER = 'X-Permission-Version';

/**
 * Every signed-in answer (refusals included) names the permission matrix version it was authorized
 * with, read by the session check the request already made: the console compares it with the
 * version its menus and buttons came from and reloads /api/meta when the matrix changed.
 */
export function sendMatrixVersion(fastify: FastifyInstance, auth: AuthService): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const checked = await auth.authenticatedAlready(request)?.catch(() => undefined);
    if (checked) reply.header(MATRIX_VERSION_HEADER, checked.matrixVersion);
    return payload;
  });
}
