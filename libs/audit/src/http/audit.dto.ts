import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the audit answers (documentation only). */
export class EventChainDto {
  @ApiProperty({ example: 1 }) v!: number;
  @ApiProperty({ nullable: true, type: String, description: "The previous event's hash in the same stream; null at revision 0" }) prev!: string | null;
  @ApiProperty({ description: 'Hex SHA-256 of the canonical JSON of { v, stream, revision, id, type, data, metadata without chain, prev }' }) hash!: string;
}

export class AuditEventMetadataDto {
  @ApiProperty() commandId!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ example: 'diariet-linkoping' }) actor!: string;
  @ApiProperty({ example: 'Platina' }) source!: string;
  @ApiProperty({ example: '2019-10-07T09:12:44.120Z' }) recordedAt!: string;
  @ApiProperty({ example: 1 }) schemaVersion!: number;
  @ApiPropertyOptional() idempotencyKey?: string;
  @ApiPropertyOptional() requestHash?: string;
  @ApiProperty({ type: EventChainDto }) chain!: EventChainDto;
}

export class AuditEventDto {
  @ApiProperty({ example: 312 }) position!: number;
  @ApiProperty({ example: 'agreement-lkp-buys-payroll-2020' }) stream!: string;
  @ApiProperty({ example: 0 }) revision!: number;
  @ApiProperty({ example: 'AgreementProposed' }) type!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ type: AuditEventMetadataDto }) metadata!: AuditEventMetadataDto;
  @ApiProperty({ example: '2019-10-07T09:12:44.120Z' }) recordedAt!: string;
  @ApiPropertyOptional({
    example: 311,
    description:
      "The event's leaf in the log's Merkle tree (0-based: the event's place in commit order). The leaf hash is SHA-256(0x00 ‖ JCS of { position, stream, revision, type, id, data, metadata }); recordedAt and leafIndex are not part of it. Missing only for an event the tree has not reached yet.",
  })
  leafIndex?: number;
}

export class InclusionProofDto {
  @ApiProperty({ example: 311 }) leafIndex!: number;
  @ApiProperty({ example: 1024 }) treeSize!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.3 inclusion proof: the sibling hashes from the leaf up to the root, base64', example: ['3qe0zqU0Yf2hnlT3Ypph6Mvz8wu1m6YXoLqFPfBVJ3U='] }) hashes!: string[];
}

export class ConsistencyProofDto {
  @ApiProperty({ example: 512 }) from!: number;
  @ApiProperty({ example: 1024 }) to!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.4 consistency proof, base64', example: ['3qe0zqU0Yf2hnlT3Ypph6Mvz8wu1m6YXoLqFPfBVJ3U='] }) hashes!: string[];
}

export class CosignatureRequestDto {
  @ApiProperty({ description: "A witness's C2SP tlog-cosignature line of this checkpoint, exactly as it goes under the note", example: '— witness.example.org AAAAAQAAAABnV3u0…' })
  cosignature!: string;
}

export class BrokenPlaceDto {
  @ApiProperty({
    enum: ['unchained', 'revision-gap', 'revision-out-of-order', 'chain-broken', 'edited', 'position-order', 'stream-missing', 'stream-unexpected', 'head-mismatch', 'log-mismatch', 'checkpoint-signature', 'checkpoint-invalid', 'checkpoint-missing', 'tree-mismatch', 'checkpoint-note', 'export-altered', 'export-incomplete'],
  })
  kind!: string;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional() stream?: string;
  @ApiPropertyOptional() revision?: number;
  @ApiPropertyOptional() position?: number;
  @ApiPropertyOptional() eventId?: string;
  @ApiPropertyOptional({ type: 'object', properties: { revision: { type: 'number' }, covers: { type: 'number' } } }) checkpoint?: { revision: number; covers: number };
}

export class CheckpointSummaryDto {
  @ApiProperty({ description: 'Its revision on the audit-checkpoints stream' }) revision!: number;
  @ApiProperty({ description: 'Where the checkpoint event is' }) position!: number;
  @ApiProperty({ description: 'The log position it covers' }) covers!: number;
  @ApiProperty() events!: number;
  @ApiProperty() streams!: number;
  @ApiProperty() signedAt!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: "The checkpoint event's chain hash" }) hash!: string;
  @ApiProperty({ enum: ['valid', 'invalid', 'unknown-key', 'not-checked'] }) signature!: string;
  @ApiPropertyOptional({ description: 'The Merkle tree size it signs (checkpoints from before the tree have none)' }) treeSize?: number;
  @ApiPropertyOptional({ description: 'The Merkle root it signs, base64' }) rootHash?: string;
}

export class VerifyCheckpointsDto {
  @ApiProperty({ description: 'Checkpoints in the log' }) found!: number;
  @ApiProperty({ description: 'Checkpoints the log was compared with' }) compared!: number;
  @ApiProperty({ enum: ['checked', 'not-checked'] }) signatures!: string;
  @ApiPropertyOptional({ type: CheckpointSummaryDto, description: 'The last checkpoint the log agrees with' }) last?: CheckpointSummaryDto;
}

export class VerifyReportDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Events checked' }) checked!: number;
  @ApiProperty() streams!: number;
  @ApiProperty({ description: 'The position of the last event checked' }) head!: number;
  @ApiProperty({ type: () => VerifyCheckpointsDto }) checkpoints!: VerifyCheckpointsDto;
  @ApiProperty({ description: 'Events after the last good checkpoint: protected by their chains only, until the next checkpoint' }) afterLastCheckpoint!: number;
  @ApiProperty() unchained!: number;
  @ApiPropertyOptional({ type: 'object', properties: { size: { type: 'number' }, root: { type: 'string', description: 'base64' } }, description: 'The Merkle tree rebuilt from every event checked' })
  tree?: { size: number; root: string };
  @ApiPropertyOptional({ type: BrokenPlaceDto }) firstBroken?: BrokenPlaceDto;
  @ApiProperty({ type: [BrokenPlaceDto] }) problems!: BrokenPlaceDto[];
  @ApiProperty() problemCount!: number;
  @ApiProperty() seconds!: number;
}

export class CheckpointOutcomeDto {
  @ApiProperty({ description: 'False when the log had not moved since the last checkpoint' }) written!: boolean;
  @ApiPropertyOptional({ type: CheckpointSummaryDto }) checkpoint?: CheckpointSummaryDto;
}

export class PublicKeyDto {
  @ApiProperty({ example: 'Ed25519' }) algorithm!: string;
  @ApiProperty({ example: '3f9c0a5e1b2d4c6e' }) keyId!: string;
  @ApiProperty({ description: 'SPKI, PEM' }) pem!: string;
  @ApiProperty({ type: 'object', properties: { kty: { type: 'string' }, crv: { type: 'string' }, x: { type: 'string' } } }) jwk!: Record<string, string>;
}

export class PublicKeysDto extends PublicKeyDto {
  @ApiProperty({ type: [PublicKeyDto], description: 'Every key whose checkpoints this service trusts, its own first' }) trusted!: PublicKeyDto[];
  @ApiProperty({ example: 'samverkan.invalid/register', description: "The log's origin: the first line of every checkpoint note, and the note key's name" }) origin!: string;
  @ApiProperty({ example: 'samverkan.invalid/register+1a2b3c4d+AQ…', description: 'The same key as a C2SP signed-note verifier key (name+key id+base64 of 0x01 ‖ the Ed25519 key), to check checkpoint notes with any signed-note tool' })
  noteVerifierKey!: string;
  @ApiProperty({ type: [String], description: "The witnesses' verifier keys whose cosignatures of checkpoints this service accepts" }) witnesses!: string[];
}
