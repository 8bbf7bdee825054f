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
}

export class BrokenPlaceDto {
  @ApiProperty({
    enum: ['unchained', 'revision-gap', 'revision-out-of-order', 'chain-broken', 'edited', 'position-order', 'stream-missing', 'stream-unexpected', 'head-mismatch', 'log-mismatch', 'checkpoint-signature', 'checkpoint-invalid', 'checkpoint-missing'],
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
}
