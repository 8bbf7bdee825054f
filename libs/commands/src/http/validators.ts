import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
  buildMessage,
} from 'class-validator';
import { ID_PATTERN, MUNICIPALITY_CODE, isCalendarDate } from '@samverkan/domain';

/**
 * The fields of the command DTOs: each decorator gives a field its OpenAPI schema and its shape
 * checks (types, formats, lengths, enums, presence). Rules between fields are the deciders'.
 */

/** Upper bound for list fields, so no request can make the service build huge states. */
export const MAX_LIST = 300;
export const MAX_TEXT = 2000;

const MUNICIPALITY_MESSAGE = 'must be a 4-digit SCB municipality code';

/** Validates a field against the object it sits in (the shape of a discriminated union, one clear message). */
export function Check(validate: (value: unknown, object: Record<string, unknown>) => boolean, message: string): PropertyDecorator {
  return ValidateBy({ name: 'crossField', validator: { validate: (value, args) => validate(value, args?.object as Record<string, unknown>), defaultMessage: () => message } });
}

function IsCalendarDateValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isCalendarDate', validator: { validate: (value) => isCalendarDate(value), defaultMessage: buildMessage((each) => `${each}$property must be a real calendar date as YYYY-MM-DD`, options) } },
    options,
  );
}

/** A required calendar date (`2019-02-30` is refused). */
export function CalendarDateField(description: string, example = '2020-01-01'): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: String, format: 'date', description, example }), IsCalendarDateValue());
}

export function OptionalCalendarDateField(description: string, example = '2022-12-31'): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: String, format: 'date', description, example }), IsOptional(), IsCalendarDateValue());
}

/** A string matching `pattern` (shown in the schema), `$property <message>` otherwise. */
function PatternField(pattern: RegExp, message: string, description: string, example: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: String, pattern: pattern.source, description, example }), IsString(), Matches(pattern, { message: `$property ${message}` }));
}

/** A list of strings matching `pattern`, at least `min` and at most MAX_LIST. */
function PatternsField(pattern: RegExp, message: string, description: string, example: string[], min: number): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: [String], description, example }),
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(MAX_LIST),
    IsString({ each: true }),
    Matches(pattern, { each: true, message: `each value in $property ${message}` }),
  );
}

export function MunicipalityCodeField(description = 'SCB municipality code', example = '0580'): PropertyDecorator {
  return PatternField(MUNICIPALITY_CODE, MUNICIPALITY_MESSAGE, description, example);
}

/** An optional municipality code (a joint committee's host, a study's owner). */
export function OptionalMunicipalityCodeField(description: string, example: string): PropertyDecorator {
  return applyDecorators(Matches(MUNICIPALITY_CODE, { message: `$property ${MUNICIPALITY_MESSAGE}` }), IsString(), IsOptional(), ApiPropertyOptional({ type: String, description, example }));
}

export function MunicipalityCodesField(description: string, example: string[], min = 1): PropertyDecorator {
  return PatternsField(MUNICIPALITY_CODE, MUNICIPALITY_MESSAGE, description, example, min);
}

export function OptionalMunicipalityCodesField(description: string, example: string[]): PropertyDecorator {
  return applyDecorators(IsOptional(), MunicipalityCodesField(description, example, 0), ApiPropertyOptional({ type: [String], description, example }));
}

export function ServiceAreasField(description = 'Service-area slugs', example = ['payroll'], min = 1): PropertyDecorator {
  return PatternsField(ID_PATTERN, 'must be a service-area slug', description, example, min);
}

export function ServiceAreaField(example = 'payroll'): PropertyDecorator {
  return PatternField(ID_PATTERN, 'must be a service-area slug', 'Service-area slug', example);
}

export function IdField(description: string, example: string): PropertyDecorator {
  return PatternField(ID_PATTERN, `must match ${ID_PATTERN.source}`, description, example);
}

export function OptionalIdField(description: string, example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: String, pattern: ID_PATTERN.source, description, example }),
    IsOptional(),
    IsString(),
    Matches(ID_PATTERN, { message: `$property must match ${ID_PATTERN.source}` }),
  );
}

export function TextField(description: string, example: string, max = 300): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: String, description, example, maxLength: max }), IsString(), MinLength(1), MaxLength(max));
}

export function OptionalTextField(description: string, example: string, max = MAX_TEXT): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ type: String, description, example, maxLength: max }), IsOptional(), IsString(), MaxLength(max));
}

export function OptionalTextsField(description: string, example: string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description, example }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_LIST),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(300, { each: true }),
  );
}

export function EnumField<T extends string>(values: readonly T[], description: string, example: T): PropertyDecorator {
  return applyDecorators(ApiProperty({ enum: values, description, example }), IsIn([...values], { message: `$property must be one of: ${values.join(', ')}` }));
}

export function BooleanField(description: string, example: boolean): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: Boolean, description, example }), IsBoolean());
}

export function NestedField(type: () => new () => object, description: string, options: { optional?: boolean; array?: boolean } = {}): PropertyDecorator {
  const decorators: PropertyDecorator[] = [
    options.optional ? ApiPropertyOptional({ type: type(), isArray: options.array, description }) : ApiProperty({ type: type(), isArray: options.array, description }),
    ValidateNested({ each: options.array }),
    Type(type),
    // ValidateNested alone passes a missing value, an array in place of an object and an array of arrays.
    IsObject({ each: options.array, message: options.array ? 'each value in $property must be an object' : '$property must be an object' }),
  ];
  if (options.optional) decorators.push(IsOptional());
  if (options.array) decorators.push(IsArray(), ArrayMaxSize(MAX_LIST));
  return applyDecorators(...decorators);
}
