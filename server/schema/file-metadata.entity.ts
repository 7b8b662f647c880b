import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { CASEWORK_GRANTS } from './roles.js';
import type { ScopeCondition } from './scope.js';
import { AppUser } from './app-user.entity.js';

const OF_REACHED_STUDENT: ScopeCondition = { all: [{ field: 'entity_table', equals: 'student' }, { field: 'entity_id', via: 'student' }] };

/** Metadata for uploaded documents (parental consent forms, qualification PDFs, etc.). */
@Resource({
  feature: 'documents',
  defaultGrants: { ...CASEWORK_GRANTS, support: [...CASEWORK_GRANTS.support, 'create'] },
  accessLogged: true,
  // A document is reached through the student it is attached to.
  scopes: { own: OF_REACHED_STUDENT, district: OF_REACHED_STUDENT },
  label: 'Files',
  area: 'Students & services',
  representation: '{file_name}',
  // What people look documents up by; not the server's storage paths, checksums and types (which made
  // every search, the search box's too, compare seven columns of each of 20,000 rows at scale).
  search: ['file_name', 'document_type', 'notes'],
  namesResource: ['entity_table'],
  // Written by the documents module from the upload and the store, never by a client: a forged
  // storage path would open another student's file.
  serverManaged: ['storage_path', 'checksum', 'file_size_bytes', 'mime_type', 'uploaded_by', 'uploaded_at'],
  serverDefaults: { storage_path: '' },
  // The record a document belongs to decides who may open it (its content is checked against it):
  // pointed at another record, it would open to whoever reaches that one. Upload it there instead.
  fixedOnceCreated: ['entity_table', 'entity_id'],
  listFields: ['file_name', 'document_type', 'entity_table', 'entity_id', 'uploaded_by', 'uploaded_at'],
  commonFilters: [['entity_table', 'entity_id'], ['document_type']],
})
@Entity({ tableName: 'file_metadata' })
@Index({ name: 'file_metadata_entity_table_id_index', properties: ['entity_table', 'id'] })
@Index({ name: 'file_metadata_entity_id_id_index', properties: ['entity_id', 'id'] })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
@Index({ name: 'file_metadata_uploaded_by_id_index', properties: ['uploaded_by', 'id'] })
// Trigram indexes keep `q` (and the search box) an index scan at scale (ILIKE '%term%').
@Index({ name: 'file_metadata_file_name_trgm', expression: 'create index "file_metadata_file_name_trgm" on "file_metadata" using gin ("file_name" gin_trgm_ops)' })
@Index({ name: 'file_metadata_document_type_trgm', expression: 'create index "file_metadata_document_type_trgm" on "file_metadata" using gin ("document_type" gin_trgm_ops)' })
@Index({ name: 'file_metadata_notes_trgm', expression: 'create index "file_metadata_notes_trgm" on "file_metadata" using gin ("notes" gin_trgm_ops)' })
export class FileMetadata {
  /** File metadata ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Target table name (e.g., student, app_user, claim). */
  @Property({ type: 'text', columnType: 'text' })
  entity_table!: string;

  /** Target row ID in that table. */
  @Property({ type: 'integer', columnType: 'int' })
  entity_id!: number;

  /** e.g., Parental Consent, Qualification Doc. */
  @Property({ type: 'text', columnType: 'text' })
  document_type!: string;

  /** Original filename. */
  @Property({ type: 'text', columnType: 'text' })
  file_name!: string;

  /** MIME type (application/pdf). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  mime_type?: string | null;

  /** Storage key/path/URL. */
  @Property({ type: 'text', columnType: 'text' })
  storage_path!: string;

  /** Size in bytes. */
  @Property({ type: 'bigint', columnType: 'bigint', nullable: true })
  file_size_bytes?: string | null;

  /** Optional integrity hash. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  checksum?: string | null;

  /** Comments or tags. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  notes?: string | null;

  /** Uploader. */
  @ManyToOne(() => AppUser, { fieldName: 'uploaded_by', nullable: true, deleteRule: 'no action' })
  uploaded_by?: Rel<AppUser>;

  /** Upload timestamp. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  uploaded_at?: string | null;
}
