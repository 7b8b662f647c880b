// Every table the product serves, in dictionary order. Adding a table: declare its entity beside
// these, list it here, and generate its migration (README: "Adding a table").
import { AuditLog } from './audit-log.entity.js';
import { AppUser } from './app-user.entity.js';
import { Organization } from './organization.entity.js';
import { Qualification } from './qualification.entity.js';
import { BillingCode } from './billing-code.entity.js';
import { PractitionerType } from './practitioner-type.entity.js';
import { Modifier } from './modifier.entity.js';
import { FeeScheduleCode } from './fee-schedule-code.entity.js';
import { FeeCodePractitionerType } from './fee-code-practitioner-type.entity.js';
import { FeeCodeModifier } from './fee-code-modifier.entity.js';
import { UserQualification } from './user-qualification.entity.js';
import { UserAuthorizedService } from './user-authorized-service.entity.js';
import { UserPractitionerType } from './user-practitioner-type.entity.js';
import { Student } from './student.entity.js';
import { Service } from './service.entity.js';
import { Claim } from './claim.entity.js';
import { PermissionCategory } from './permission-category.entity.js';
import { PermissionItem } from './permission-item.entity.js';
import { ServiceGroup } from './service-group.entity.js';
import { GroupMembership } from './group-membership.entity.js';
import { FileMetadata } from './file-metadata.entity.js';
import { SavedView } from './saved-view.entity.js';
import { UserCredential } from './user-credential.entity.js';
import { AuthSession } from './auth-session.entity.js';
import { UserMfa } from './user-mfa.entity.js';
import { MfaRecoveryCode } from './mfa-recovery-code.entity.js';
import { ApiKey } from './api-key.entity.js';
import { OidcLogin } from './oidc-login.entity.js';
import { LoginRateLimit } from './login-rate-limit.entity.js';
import { AccessLog } from './access-log.entity.js';
import { AuthEvent } from './auth-event.entity.js';
import { WriteConflict } from './write-conflict.entity.js';

export const entities = [
  AuditLog,
  AppUser,
  Organization,
  Qualification,
  BillingCode,
  PractitionerType,
  Modifier,
  FeeScheduleCode,
  FeeCodePractitionerType,
  FeeCodeModifier,
  UserQualification,
  UserAuthorizedService,
  UserPractitionerType,
  Student,
  Service,
  Claim,
  PermissionCategory,
  PermissionItem,
  ServiceGroup,
  GroupMembership,
  FileMetadata,
  SavedView,
  AccessLog,
  AuthEvent,
  WriteConflict,
  // Sign-in: not served by the engine (see their @Resource declarations).
  UserCredential,
  AuthSession,
  LoginRateLimit,
  UserMfa,
  MfaRecoveryCode,
  ApiKey,
  OidcLogin,
];
