/** What the compiled reads know of a model (generated: src/db/generated/read-model.ts). */
export interface ReadModel {
  [model: string]: { table: string; fields: Record<string, ScalarField | RelationField> };
}

export interface ScalarField {
  column: string;
  /** Prisma's scalar type, or 'Enum'. */
  type: string;
  list: boolean;
  /** The PostgreSQL type the schema names (`@db.Date` is 'Date'), or null for Prisma's default. */
  native: string | null;
}

export interface RelationField {
  /** The related model. */
  relation: string;
  list: boolean;
  /** This table's columns, equal in order to `remote`, the related table's. */
  local: string[];
  remote: string[];
}
