import type { ConnectorDefinition } from './contract.js';
import { fileConnector } from './file/index.js';
import { httpConnector } from './http/index.js';
import { createConnectorRegistry } from './hub.js';
import { oracleEbsConnector } from './oracle-ebs/index.js';
import { sapConnector } from './sap/index.js';
import { soapConnector } from './soap/index.js';
import { sqlConnector } from './sql/index.js';

/** Every connector kind dealer-hub knows, in one explicit list (no discovery, nothing global). */
export const CONNECTOR_DEFINITIONS: readonly ConnectorDefinition<any>[] = [fileConnector, sqlConnector, oracleEbsConnector, sapConnector, httpConnector, soapConnector];

export const CONNECTORS = createConnectorRegistry(CONNECTOR_DEFINITIONS);
