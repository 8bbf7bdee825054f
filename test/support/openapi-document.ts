/** The parts of the service's OpenAPI document (`/docs-json`) the tests read. */

export interface Schema {
  type?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  $ref?: string;
  [keyword: string]: unknown;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: string | number | boolean;
  schema?: { example?: string | number | boolean };
}

export interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

export interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string; description?: string }> };
}

/** A parameter's example as Swagger UI's Try-it-out sends it (the document's examples are strings, numbers or booleans). */
export const exampleOf = (p: Parameter): string | number | boolean | undefined => p.example ?? p.schema?.example;
