import { z } from 'zod';

/**
 * What the processes of one site (a primary and its workers, PINHOLE_WORKERS > 1) tell each other
 * over Node's IPC channel. Every message carries `pinhole: 1`, so anything else on the channel is
 * ignored; each is checked against this schema on arrival like any other input.
 */
const seriesSchema = z.array(z.record(z.string(), z.unknown()));

export const clusterMessageSchema = z.discriminatedUnion('kind', [
  /** A worker is listening and has said so in its log. */
  z.object({ pinhole: z.literal(1), kind: z.literal('ready'), address: z.string().max(200) }),
  /** A process deleted a stored file: the others drop what they keep of it in memory. */
  z.object({ pinhole: z.literal(1), kind: z.literal('deleted'), key: z.string().min(1).max(1024) }),
  /** A process saved site settings in the dashboard: the others read them again now, not within seconds. */
  z.object({ pinhole: z.literal(1), kind: z.literal('settings-saved') }),
  /** A worker was asked for /metrics: it asks the primary for the whole site's. */
  z.object({ pinhole: z.literal(1), kind: z.literal('metrics-request'), id: z.number().int() }),
  /** The primary collects every worker's series for one request. */
  z.object({ pinhole: z.literal(1), kind: z.literal('metrics-collect'), id: z.number().int() }),
  /** A worker's own series (prom-client's JSON form). */
  z.object({ pinhole: z.literal(1), kind: z.literal('metrics-part'), id: z.number().int(), series: seriesSchema }),
  /** The merged exposition, for the worker that asked. */
  z.object({ pinhole: z.literal(1), kind: z.literal('metrics-answer'), id: z.number().int(), contentType: z.string(), body: z.string() }),
]);

export type ClusterMessage = z.infer<typeof clusterMessageSchema>;

/** The message, or null for anything that is not one of ours. */
export function readClusterMessage(raw: unknown): ClusterMessage | null {
  const parsed = clusterMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
