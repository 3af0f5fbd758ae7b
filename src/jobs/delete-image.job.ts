import { z } from 'zod';
import type { DeletionService } from '../services/deletion.service.js';
import type { JobHandler } from './job-runner.js';

const payloadSchema = z.object({ imageId: z.number().int().positive(), reason: z.string() });

/** Finishes the deletion of one image (files first, then rows); idempotent, so retries are safe. */
export function deleteJobHandler(deletion: DeletionService): JobHandler {
  return async (payload) => {
    const { imageId, reason } = payloadSchema.parse(JSON.parse(payload));
    await deletion.deleteImage(imageId, reason);
  };
}
