/** The answer to every command (contract: Conventions). */
export interface CommandResult {
  id: string;
  stream: string;
  /** The stream's revision after the command (also the ETag). */
  revision: number;
  /** The global position that covers everything the command caused (successor transfers included). */
  position: number;
  events: { type: string; id: string }[];
}
