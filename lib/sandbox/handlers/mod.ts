/**
 * Handlers by operationId.
 *
 * @module
 */

import type { Handler } from "../handler.ts";
import { createConnectCard } from "./connect_card.ts";
import * as connections from "./connections.ts";
import { publicConnectorTypes } from "./connector_types.ts";
import * as destTrust from "./destination_trust.ts";
import * as destinations from "./destinations.ts";
import { groupServiceAccount, groupSshPublicKey } from "./group_access.ts";
import * as groups from "./groups.ts";
import * as members from "./memberships.ts";
import * as metadata from "./metadata.ts";
import { PLATFORM_HANDLERS } from "./platform.ts";
import * as schemas from "./schemas.ts";
import * as transformations from "./transformations.ts";
import * as trust from "./trust.ts";
import * as users from "./users.ts";
import * as webhooks from "./webhooks.ts";

/** Every operation handler, keyed by the spec's operationId. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  get_account_info: metadata.accountInfo,
  list_all_groups: groups.listGroups,
  create_group: groups.createGroup,
  group_details: groups.groupDetails,
  modify_group: groups.modifyGroup,
  delete_group: groups.deleteGroup,
  list_all_connections_in_group: connections.listGroupConnections,
  list_all_users_in_group: groups.listGroupUsers,
  add_user_to_group: groups.addGroupUser,
  delete_user_from_group: groups.removeGroupUser,
  list_connections: connections.listConnections,
  create_connection: connections.createConnection,
  connection_details: connections.connectionDetails,
  modify_connection: connections.modifyConnection,
  delete_connection: connections.deleteConnection,
  sync_connection: connections.syncConnection,
  resync_connection: connections.resyncConnection,
  run_setup_tests: connections.runConnectionSetupTests,
  connection_state: connections.connectionState,
  modify_connection_state: connections.modifyConnectionState,
  connection_schema_config: schemas.getSchemaConfig,
  pre_create_connection_schema_config: schemas.preCreateSchemaConfig,
  modify_connection_schema_config: schemas.modifySchemaConfig,
  reload_connection_schema_config: schemas.reloadSchemaConfig,
  resync_tables: schemas.resyncTables,
  delete_multiple_columns_connection_config: schemas.dropColumns,
  modify_connection_database_schema_config: schemas.modifySchema,
  modify_connection_table_config: schemas.modifyTable,
  modify_connection_column_config: schemas.modifyColumn,
  delete_column_connection_config: schemas.deleteColumn,
  connection_column_config: schemas.listColumns,
  approve_certificate: trust.approveAccountCertificate,
  get_connection_certificates_list: trust.listCertificates,
  approve_connection_certificate: trust.approveConnectionCertificate,
  get_connection_certificate_details: trust.getCertificate,
  revoke_connection_certificate: trust.revokeCertificate,
  get_connection_fingerprints_list: trust.listFingerprints,
  approve_connection_fingerprint: trust.approveFingerprint,
  get_connection_fingerprint_details: trust.getFingerprint,
  revoke_connection_fingerprint: trust.revokeFingerprint,
  list_destinations: destinations.listDestinations,
  create_destination: destinations.createDestination,
  destination_details: destinations.destinationDetails,
  modify_destination: destinations.modifyDestination,
  delete_destination: destinations.deleteDestination,
  run_destination_setup_tests: destinations.runDestinationTests,
  list_all_users: users.listUsers,
  create_user: users.createUser,
  user_details: users.userDetails,
  modify_user: users.modifyUser,
  delete_user: users.deleteUser,
  list_all_teams: users.listTeams,
  create_team: users.createTeam,
  team_details: users.teamDetails,
  modify_team: users.modifyTeam,
  delete_team: users.deleteTeam,
  // memberships, roles, certificates (sbres1)
  list_users_in_team: members.listTeamUsers,
  add_user_to_team: members.addTeamUser,
  get_user_in_team: members.teamUserDetails,
  update_user_membership: members.modifyTeamUser,
  delete_user_from_team: members.removeTeamUser,
  get_team_memberships_in_groups: members.teamGroups.list,
  add_team_membership_in_group: members.teamGroups.add,
  get_team_membership_in_group: members.teamGroups.details,
  update_team_membership_in_group: members.teamGroups.modify,
  delete_team_membership_in_group: members.teamGroups.remove,
  get_team_memberships_in_connections: members.teamConnections.list,
  add_team_membership_in_connection: members.teamConnections.add,
  get_team_membership_in_connection: members.teamConnections.details,
  update_team_membership_in_connection: members.teamConnections.modify,
  delete_team_membership_in_connection: members.teamConnections.remove,
  delete_team_membership_in_account: members.removeTeamRole,
  get_user_memberships_in_groups: members.userGroups.list,
  add_user_membership_in_group: members.userGroups.add,
  get_user_membership_in_group: members.userGroups.details,
  update_user_membership_in_group: members.userGroups.modify,
  delete_user_membership_in_group: members.userGroups.remove,
  get_user_memberships_in_connections: members.userConnections.list,
  add_user_membership_in_connection: members.userConnections.add,
  get_user_membership_in_connections: members.userConnections.details,
  update_user_membership_in_connection: members.userConnections.modify,
  delete_user_membership_in_connection: members.userConnections.remove,
  delete_user_membership_in_account: members.removeUserRole,
  get_destination_certificates_list: destTrust.listCertificates,
  approve_destination_certificate: destTrust.approveCertificate,
  get_destination_certificate_details: destTrust.getCertificate,
  revoke_destination_certificate: destTrust.revokeCertificate,
  get_destination_fingerprints_list: destTrust.listFingerprints,
  approve_destination_fingerprint: destTrust.approveFingerprint,
  get_destination_fingerprint_details: destTrust.getFingerprint,
  revoke_destination_fingerprint: destTrust.revokeFingerprint,
  group_service_account: groupServiceAccount,
  group_ssh_public_key: groupSshPublicKey,
  connect_card: createConnectCard,
  metadata_public_connectors: publicConnectorTypes,
  list_all_webhooks: webhooks.listWebhooks,
  create_account_webhook: webhooks.createAccountWebhook,
  create_group_webhook: webhooks.createGroupWebhook,
  webhook_details: webhooks.webhookDetails,
  modify_webhook: webhooks.modifyWebhook,
  delete_webhook: webhooks.deleteWebhook,
  test_webhook: webhooks.testWebhook,
  transformations_list: transformations.listTransformations,
  transformation_details: transformations.transformationDetails,
  update_transformation: transformations.updateTransformation,
  run_transformation: transformations.runTransformation,
  cancel_transformation: transformations.cancelTransformation,
  list_all_roles: metadata.listRoles,
  metadata_connectors: metadata.listConnectorTypes,
  metadata_connector_config: metadata.connectorTypeDetails,
  ...PLATFORM_HANDLERS,
};
