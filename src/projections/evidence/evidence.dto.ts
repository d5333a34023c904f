import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmpty, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { IsPosition, toInteger } from '../../http/read-query.dto.js';

const HASH = { type: String, pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex.' };
const TREE_SIZE = { type: 'integer', minimum: 0, description: 'A number of events: the size of a tree some checkpoint signed.' } as const;

/** Tree sizes arrive as strings: only canonical decimal digits become a number (as `limit` does). */
const toSize = ({ value }: { value: unknown }) => (typeof value === 'string' && /^(0|[1-9][0-9]{0,14})$/.test(value) ? Number(value) : value);

/** A read that takes no query parameter: any is refused (400), as a misspelt one is elsewhere. */
export class NoQuery {
  // class-validator refuses an object of a class it knows no rule of; with this one, any parameter is refused.
  @IsEmpty({ message: 'no query parameter is accepted here' })
  readonly none?: never;
}

export class PositionParams {
  @IsString()
  @IsPosition()
  @ApiProperty({ description: "The event's global position (digits).", pattern: '^[0-9]+$', example: '1187' })
  position!: string;
}

export class ProofQuery {
  @IsOptional()
  @Transform(toSize)
  @IsInt({ message: '$property must be a whole number' })
  @Min(1)
  @ApiPropertyOptional({ ...TREE_SIZE, description: 'The tree size of the checkpoint to prove inclusion under. Default: the latest checkpoint.' })
  treeSize?: number;
}

export class ConsistencyQuery {
  @Transform(toSize)
  @IsInt({ message: '$property must be a whole number' })
  @Min(0)
  @ApiProperty({ ...TREE_SIZE, description: "The older checkpoint's tree size." })
  from!: number;

  @IsOptional()
  @Transform(toSize)
  @IsInt({ message: '$property must be a whole number' })
  @Min(0)
  @ValidateBy({
    name: 'notBelowFrom',
    validator: {
      validate: (to: unknown, args) => typeof to !== 'number' || typeof (args?.object as ConsistencyQuery).from !== 'number' || to >= (args!.object as ConsistencyQuery).from,
      defaultMessage: () => 'to must not be smaller than from',
    },
  })
  @ApiPropertyOptional({ ...TREE_SIZE, description: "The newer checkpoint's tree size, not below `from`. Default: the latest checkpoint." })
  to?: number;
}

export class CheckpointsQuery {
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  @Max(1000)
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Checkpoints per page, newest first.' })
  limit?: number;

  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(0)
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: "Cursor: the previous page's `next`; the page lists the checkpoints numbered below it." })
  after?: number;
}

export class CheckpointDto {
  @ApiProperty({ type: 'integer', description: 'Its number: its revision in the audit-checkpoints stream, from 0.' }) number!: number;
  @ApiProperty({ type: String, pattern: '^[0-9]+$', description: 'Its own position in the log.' }) position!: string;
  @ApiProperty({ example: 'docket' }) origin!: string;
  @ApiProperty(TREE_SIZE) treeSize!: number;
  @ApiProperty({ ...HASH, description: 'The RFC 6962 tree head of the first treeSize event hashes in global order.' }) rootHash!: string;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]+$', description: 'Position of the last event in the tree.' }) lastPosition!: string | null;
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ ...HASH, description: "SHA-256 of the signing key's DER public key." }) keyFingerprint!: string;
  @ApiProperty({ description: 'Ed25519 signature (base64) of the RFC 8785 canonical JSON of the fields above but number and position.' }) signature!: string;
}

export class CheckpointPageDto {
  @ApiProperty({ type: [CheckpointDto], description: 'Newest first.' }) items!: CheckpointDto[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as `after` for the next page (older checkpoints); null at the end.' }) next!: number | null;
}

export class PublicKeyDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: string;
  @ApiProperty({ description: 'The public key, SubjectPublicKeyInfo in PEM.' }) publicKey!: string;
  @ApiProperty({ ...HASH, description: "SHA-256 of the key's DER SubjectPublicKeyInfo: every checkpoint names it." }) fingerprint!: string;
  @ApiProperty({ description: 'The name of this log, in every checkpoint.', example: 'docket' }) origin!: string;
}

export class InclusionProofDto {
  @ApiProperty({ type: String, pattern: '^[0-9]+$' }) position!: string;
  @ApiProperty({ type: 'integer', description: "The event's leaf index: its place among the tree's events, from 0." }) leafIndex!: number;
  @ApiProperty(TREE_SIZE) treeSize!: number;
  @ApiProperty({ ...HASH, description: "The event's hash (its metadata's `hash`; the hash of its content if it has none)." }) eventHash!: string;
  @ApiProperty({ ...HASH, description: 'SHA-256(0x00 || eventHash).' }) leafHash!: string;
  @ApiProperty({ type: [String], description: 'The RFC 6962 audit path, from the leaf up.' }) proof!: string[];
  @ApiProperty(HASH) rootHash!: string;
  @ApiProperty({ type: CheckpointDto, description: 'The signed checkpoint whose root the proof leads to.' }) checkpoint!: CheckpointDto;
}

export class ConsistencyProofDto {
  @ApiProperty(TREE_SIZE) from!: number;
  @ApiProperty(TREE_SIZE) to!: number;
  @ApiProperty(HASH) fromRoot!: string;
  @ApiProperty(HASH) toRoot!: string;
  @ApiProperty({ type: [String], description: 'The RFC 6962 consistency proof.' }) proof!: string[];
  @ApiProperty({ type: CheckpointDto }) fromCheckpoint!: CheckpointDto;
  @ApiProperty({ type: CheckpointDto }) toCheckpoint!: CheckpointDto;
}

export class VerificationDto {
  @ApiProperty({ description: 'True when no event, chain, tree or checkpoint failed.' }) ok!: boolean;
  @ApiProperty({ type: 'integer', description: 'Events read and checked (the leaves of the tree).' }) checkedEvents!: number;
  @ApiProperty({ type: 'integer', description: 'Of those, recorded before the hash chain existed: counted, never silently passed.' }) unprotectedEvents!: number;
  @ApiProperty({ type: 'integer', description: 'Checkpoints whose signature was checked.' }) checkedCheckpoints!: number;
  @ApiProperty({ type: 'integer', description: 'Events after the latest checkpoint: their hashes and chains are checked, no signature covers them yet.' })
  unsignedEvents!: number;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]+$', description: 'Position of the first event that fails; null when ok.' })
  firstBrokenPosition!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['hash-mismatch', 'chain-broken', 'missing-event', 'order-changed', 'log-truncated', 'bad-signature', 'root-mismatch'],
  })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'What failed, for a person.' }) detail!: string | null;
  @ApiProperty({ type: CheckpointDto, nullable: true, description: 'The latest checkpoint the log matches.' }) checkpoint!: CheckpointDto | null;
}
