import type { LoggedEvent } from "../../core/ports/run-store.js";
import { encodeJson, hasFields } from "../json-text.js";

/**
 * Batches of at most this many events are sent with each event's type, time and payload as
 * parameters of their own; larger ones as three arrays. Each shape is a prepared statement
 * on every connection that uses it, so the listed shapes stay few. Listing saves the
 * driver escaping every payload into an array literal: on the engine's usual batch of two
 * events (a step's end and the next one's start), about a tenth of an append's time.
 */
export const maxListedEvents = 8;

/**
 * The text of PostgresStore's append, one statement and one round trip: it bumps the run's
 * last sequence number (a row lock that orders concurrent appends, and the owner check of a
 * compare-and-set), inserts the events after it, and notifies `channel` on commit. With
 * `byOwner`, parameter $2 is the owner the run must have. Events follow: for a batch of at
 * most {@link maxListedEvents}, each as three parameters (type, time, payload); for a
 * larger one, as three arrays (one text for every size). The one result row holds the new
 * last sequence number; no row means the run is missing or has another owner.
 */
function appendStatement(
  count: number,
  { byOwner, channel }: { byOwner: boolean; channel: string },
): string {
  const first = byOwner ? 3 : 2;
  const listed = count <= maxListedEvents;
  // One text for every larger batch: its size is the arrays' length.
  const size = listed ? String(count) : `cardinality($${first}::text[])`;
  const events = listed
    ? `(VALUES ${Array.from({ length: count }, (_, index) => {
        const at = first + index * 3;
        return `(${count - 1 - index},$${at}::text,$${at + 1}::float8,$${at + 2}::text)`;
      }).join(",")}) e(back,type,at,payload)`
    : `(SELECT ${size}-ord::int back,type,at,payload FROM unnest($${first}::text[],$${first + 1}::float8[],$${first + 2}::text[]) WITH ORDINALITY u(type,at,payload,ord)) e`;
  return (
    `WITH b AS (UPDATE runs SET last_seq=last_seq+${size} WHERE id=$1::text${byOwner ? " AND owner=$2::text" : ""} RETURNING last_seq),` +
    ` i AS (INSERT INTO events (run_id,seq,type,at,payload) SELECT $1::text,b.last_seq-e.back,e.type,e.at,e.payload FROM b,${events})` +
    ` SELECT last_seq,pg_notify(${quoteLiteral(channel)},$1::text||' '||last_seq) FROM b`
  );
}

/** The append statements of one store, each text built once per shape. */
export class AppendStatements {
  readonly #channel: string;
  /** By shape: the event count (one for every larger batch), negated when the owner is checked. */
  readonly #texts = new Map<number, string>();

  constructor(channel: string) {
    this.#channel = channel;
  }

  text(count: number, byOwner: boolean): string {
    const shape = Math.min(count, maxListedEvents + 1);
    const key = byOwner ? -shape : shape;
    let text = this.#texts.get(key);
    if (text === undefined) {
      text = appendStatement(count, { byOwner, channel: this.#channel });
      this.#texts.set(key, text);
    }
    return text;
  }
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A parameter of {@link appendStatement}: a value, or (for larger batches) an array. */
export type AppendParameter = string | number | null | readonly (string | number | null)[];

const eventLabel = (index: number) => `append: events[${index}]`;

/**
 * The parameters of {@link appendStatement} for `events`: the run, the owner when given,
 * then the events' types, times and payloads (their other fields as JSON text, or NULL
 * when they have none).
 */
export function appendParameters(
  runId: string,
  owner: string | undefined,
  events: readonly LoggedEvent[],
): AppendParameter[] {
  const parameters: AppendParameter[] = owner === undefined ? [runId] : [runId, owner];
  const listed = events.length <= maxListedEvents;
  const types: string[] = [];
  const ats: number[] = [];
  const payloads: (string | null)[] = [];
  for (let index = 0; index < events.length; index++) {
    const { type, at, seq: _seq, ...fields } = events[index]!;
    const payload = hasFields(fields) ? encodeJson(eventLabel, fields, index) : null;
    if (listed) parameters.push(type, at, payload);
    else {
      types.push(type);
      ats.push(at);
      payloads.push(payload);
    }
  }
  if (!listed) parameters.push(types, ats, payloads);
  return parameters;
}
