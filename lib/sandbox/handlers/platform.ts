/**
 * Handlers of the platform resources (external logging, secrets managers,
 * hybrid deployment and proxy agents, private links, system keys, Connector
 * SDK packages, HVR, transformation projects and the transformation
 * lifecycle), keyed by the spec's operationId.
 *
 * @module
 */

import type { Handler } from "../handler.ts";
import * as sdk from "./connector_sdk.ts";
import * as logging from "./external_logging.ts";
import * as hvr from "./hvr.ts";
import * as hybrid from "./hybrid_agents.ts";
import * as links from "./private_links.ts";
import * as proxy from "./proxy_agents.ts";
import * as esm from "./secrets_managers.ts";
import * as keys from "./system_keys.ts";
import * as lifecycle from "./transformation_lifecycle.ts";
import * as projects from "./transformation_projects.ts";

/** Platform operation handlers by operationId. */
export const PLATFORM_HANDLERS: Readonly<Record<string, Handler>> = {
  list_log_services: logging.listLogServices,
  add_log_service: logging.addLogService,
  get_log_service_details: logging.logServiceDetails,
  update_log_service: logging.updateLogService,
  delete_log_service: logging.deleteLogService,
  run_setup_tests_log_service: logging.testLogService,
  get_account_log_service_details: logging.accountLogServiceDetails,
  add_account_log_service: logging.addAccountLogService,
  update_account_log_service: logging.updateAccountLogService,
  delete_account_log_service: logging.deleteAccountLogService,
  run_setup_tests_account_log_service: logging.testAccountLogService,
  list_esms: esm.listSecretsManagers,
  create_esm: esm.createSecretsManager,
  get_esm_details: esm.secretsManagerDetails,
  modify_esm: esm.modifySecretsManager,
  delete_esm: esm.deleteSecretsManager,
  get_esm_entities: esm.secretsManagerEntities,
  list_esm_entities: esm.listSecretsManagerEntities,
  get_hybrid_deployment_agent_list: hybrid.listHybridAgents,
  create_hybrid_deployment_agent: hybrid.createHybridAgent,
  get_hybrid_deployment_agent: hybrid.hybridAgentDetails,
  delete_hybrid_deployment_agent: hybrid.deleteHybridAgent,
  re_auth_hybrid_deployment_agent: hybrid.reAuthHybridAgent,
  reset_hybrid_deployment_agent_credentials: hybrid.resetHybridAgentCredentials,
  get_proxy_agent: proxy.listProxyAgents,
  create_proxy_agent: proxy.createProxyAgent,
  get_proxy_agent_details: proxy.proxyAgentDetails,
  delete_proxy_agent: proxy.deleteProxyAgent,
  get_proxy_agent_connections: proxy.proxyAgentConnections,
  regenerate_secrets_proxy_agent: proxy.regenerateProxyAgentSecrets,
  get_private_links: links.listPrivateLinks,
  create_private_link: links.createPrivateLink,
  get_private_link_details: links.privateLinkDetails,
  modify_private_link: links.modifyPrivateLink,
  delete_private_link: links.deletePrivateLink,
  get_system_keys: keys.listSystemKeys,
  create_system_key: keys.createSystemKey,
  get_system_key_details: keys.systemKeyDetails,
  update_system_key: keys.updateSystemKey,
  delete_system_key: keys.deleteSystemKey,
  rotate_system_key: keys.rotateSystemKey,
  list_connector_sdk_packages: sdk.listSdkPackages,
  create_connector_sdk_package: sdk.createSdkPackage,
  get_connector_sdk_package: sdk.sdkPackageDetails,
  update_connector_sdk_package: sdk.updateSdkPackage,
  delete_connector_sdk_package: sdk.deleteSdkPackage,
  download_connector_sdk_package: sdk.downloadSdkPackage,
  hvr_register_hub: hvr.registerHvrHub,
  list_all_transformation_projects: projects.listTransformationProjects,
  create_transformation_project: projects.createTransformationProject,
  transformation_project_details: projects.transformationProjectDetails,
  modify_transformation_project: projects.modifyTransformationProject,
  delete_transformation_project: projects.deleteTransformationProject,
  test_transformation_project: projects.testTransformationProject,
  create_transformation: lifecycle.createTransformation,
  delete_transformation: lifecycle.deleteTransformation,
  upgrade_transformation_package: lifecycle.upgradeTransformation,
  transformation_package_metadata_list: lifecycle.listPackageMetadata,
  transformation_package_metadata_details: lifecycle.packageMetadataDetails,
};
