/**
 * The Oracle EBS target end to end: the `oracle-ebs` connector kind with its driver replaced by
 * FakeEbs (test/fixtures/oracle-ebs/fake-ebs.ts — Oracle cannot run here), and an EBS set up for
 * the demo dealer D001: its ship-to D001-NS as a SHIP_TO site use, the demo SKUs in the item
 * master organization.
 */
import { createConnectorRegistry, type ConnectorRegistry } from '../../../src/connectors/hub.js';
import { createOracleEbsConnector, oracleEbsConnector } from '../../../src/connectors/oracle-ebs/index.js';
import { CONNECTOR_DEFINITIONS } from '../../../src/connectors/registry.js';
import { FakeEbs } from '../../fixtures/oracle-ebs/fake-ebs.js';

export const EBS_ORG = 204;
export const EBS_SOURCE = 1021;
export const EBS_ITEMS: Record<string, number> = { 'NUT-750-6': 5101, 'MLK-250-24': 5102, 'SEA-54-24': 5103 };
export const EBS_SHIP_TO = 7001;

/** An EBS that knows D001's ship-to D001-NS and the demo SKUs (looked up by the target, not mapped). */
export function demoEbs(): FakeEbs {
  return new FakeEbs({
    siteUses: [
      { SITE_USE_ID: EBS_SHIP_TO, LOCATION: 'D001-NS', ACCOUNT_NUMBER: 'D001', ORG_ID: EBS_ORG },
      { SITE_USE_ID: 7999, LOCATION: 'D001-NS', ACCOUNT_NUMBER: 'D002', ORG_ID: EBS_ORG },
    ],
    items: Object.entries(EBS_ITEMS).map(([SEGMENT1, INVENTORY_ITEM_ID]) => ({ SEGMENT1, INVENTORY_ITEM_ID, ORGANIZATION_ID: EBS_ORG })),
  });
}

/** The `oracle-ebs` connector options of these tests (the url is never dialled: the driver is `ebs`). */
export const EBS_OPTIONS = {
  kind: 'oracle-ebs',
  url: 'oracle://APPS:e2e-Pw@ebsdb.example.com:1521/EBSPROD',
  organizationId: EBS_ORG,
  orders: {
    orderSourceId: EBS_SOURCE,
    orderTypeId: 1430,
    orgId: EBS_ORG,
    createdBy: 1318,
    cancelReason: 'NOT PROVIDED',
    booked: true,
    giftLineTypeId: 1432,
    customerMap: { D001: 1040 },
    warehouseMap: { 'WH-SZ': 207 },
    uomMap: { 盒: 'BX', 袋: 'BAG' },
  },
};

/** The daemon's connector kinds, with `oracle-ebs` talking to `ebs` instead of oracledb. */
export function registryOnFakeEbs(ebs: FakeEbs): ConnectorRegistry {
  return createConnectorRegistry([
    ...CONNECTOR_DEFINITIONS.filter((definition) => definition.kind !== 'oracle-ebs'),
    { ...oracleEbsConnector, create: (options, deps) => createOracleEbsConnector(options, deps, ebs) },
  ]);
}
