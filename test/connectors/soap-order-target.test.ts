/**
 * The soap connector as a configured kind: YAML options of both flavors through the config
 * loader and the hub, what it declares (no streams, an order target), and the helpers that make
 * its messages exact and repeatable. Calls against real SOAP servers: soap-order-target-bapi /
 * soap-order-target-byd.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectorRefinement, createConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { soapConnector, soapOptionsSchema, stableUuid } from '../../src/connectors/soap/index.js';
import { priceRate } from '../../src/connectors/soap/util.js';
import { parseConfigText } from '../../src/core/config/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';

const logger = createLogger({ level: 'silent', pretty: false });
const BAPI_WSDL = fileURLToPath(new URL('../fixtures/sap-soap/ECC_BAPI_SALESORDER.wsdl', import.meta.url));
const QUERY_WSDL = fileURLToPath(new URL('../fixtures/sap-soap/ByD_QuerySalesOrderIn_model.wsdl', import.meta.url));

const YAML = `
connectors:
  byd:
    kind: soap
    flavor: byd-manage-sales-order
    wsdl: ./config/wsdl/ManageSalesOrderIn.wsdl
    endpoint: https://my123456.sapbydesign.com/sap/bc/srt/scs/sap/managesalesorderin5
    auth: { type: basic, username: "\${BYD_USER}", password: "\${BYD_PASSWORD}" }
    timeoutMs: 30000
    maps:
      customers: { D001: "1000123" }
      shipTos: { D001-01: "1000124" }
      plants: { WH-SZ: S1100 }
      units: { BOX: XBX }
    byd:
      lookup:
        type: query
        wsdl: ${QUERY_WSDL}
        endpoint: https://my123456.sapbydesign.com/sap/bc/srt/scs/sap/querysalesorderin
      salesUnitPartyId: S1000
      distributionChannelCode: "01"
      cancellationReasonCode: "4"
  ecc:
    kind: soap
    flavor: bapi-salesorder
    wsdl: ${BAPI_WSDL}
    endpoint: https://ecc.example.com/sap/bc/srt/rfc/sap/zsd_salesorder/100/zsd_salesorder/binding
    auth: { type: basic, username: "\${ECC_USER}", password: "\${ECC_PASSWORD}" }
    maps: { customers: { D001: "0000100001" }, plants: { WH-SZ: "1000" } }
    bapi:
      salesArea: { salesOrg: "1000", distrChan: "10", division: "00" }
      priceCondition: PR00
      giftItemCategory: TANN
      rejectionReason: "10"
`;
const ENV = { BYD_USER: '_DEALERHUB', BYD_PASSWORD: 'byd-secret', ECC_USER: 'RFC_HUB', ECC_PASSWORD: 'ecc-secret' };
const parse = (yaml: string) => parseConfigText(yaml, 'site.yaml', ENV, connectorRefinement(CONNECTORS));

describe('soap connector: configuration', () => {
  it('is a registered kind; both flavors load from YAML with their defaults', () => {
    expect(CONNECTORS.get('soap')).toBe(soapConnector);
    const { connectors } = parse(YAML);
    const byd = soapOptionsSchema.parse((({ kind: _k, enabled: _e, mappings: _m, ...rest }) => rest)(connectors.byd!));
    expect(byd).toMatchObject({
      flavor: 'byd-manage-sales-order',
      auth: { type: 'basic', username: '_DEALERHUB', password: 'byd-secret' },
      maps: { customers: { D001: '1000123' }, shipTos: { 'D001-01': '1000124' }, plants: { 'WH-SZ': 'S1100' }, materials: {}, units: { BOX: 'XBX' } },
      byd: { operation: 'MaintainBundle', lookup: { type: 'query', operation: 'FindByElements' }, prices: 'net', timeZoneCode: 'UTC', cancellationReasonCode: '4' },
    });
    const ecc = soapOptionsSchema.parse((({ kind: _k, enabled: _e, mappings: _m, ...rest }) => rest)(connectors.ecc!));
    expect(ecc).toMatchObject({
      flavor: 'bapi-salesorder',
      timeoutMs: 30_000,
      bapi: {
        salesArea: { docType: 'TA', salesOrg: '1000', distrChan: '10', division: '00' },
        operations: { create: 'BAPI_SALESORDER_CREATEFROMDAT2', find: 'BAPI_SALESORDER_GETLIST', change: 'BAPI_SALESORDER_CHANGE' },
        textLanguage: 'E',
        rejectionReason: '10',
      },
    });
  });

  it('names the file, line and path of a bad option', () => {
    const withoutLookup = YAML.replace(/      lookup:\n(?: {8}.*\n)+/, '');
    expect(() => parse(withoutLookup)).toThrow(/site\.yaml:\d+:\d+ connectors\.byd\.byd\.lookup: /);
    expect(() => parse(YAML.replace('      rejectionReason: "10"\n', ''))).toThrow(/site\.yaml:\d+:\d+ connectors\.ecc\.bapi\.rejectionReason: /);
    expect(() => parse(YAML.replace('flavor: bapi-salesorder', 'flavor: idoc'))).toThrow(/connectors\.ecc\.flavor: /);
    expect(() => parse(YAML.replace(`wsdl: ${BAPI_WSDL}`, 'wsdl: ftp://ecc.example.com/x.wsdl'))).toThrow(/connectors\.ecc\.wsdl: expected a WSDL file path or an http\(s\) URL/);
    expect(() => parse(YAML.replace('    bapi:\n', '    byd: { cancellationReasonCode: "4" }\n    bapi:\n'))).toThrow(/site\.yaml:\d+:\d+ connectors\.ecc\.byd: unknown key/);
    const apiKey = YAML.replace('auth: { type: basic, username: "${ECC_USER}", password: "${ECC_PASSWORD}" }', 'auth: { type: apiKey, in: query, name: key, value: x123 }');
    expect(() => parse(apiKey)).toThrow(/connectors\.ecc\.auth: the soap connector sends an API key in a header only/);
  });

  it('through the hub: no streams, an order target, check() loads the WSDL; read() refuses any stream', async () => {
    const { connectors } = parse(YAML);
    const hub = createConnectorHub(connectors, CONNECTORS, { logger, now: () => new Date() });
    expect(hub.list()).toEqual([
      { name: 'byd', kind: 'soap', enabled: true, streams: [] },
      { name: 'ecc', kind: 'soap', enabled: true, streams: [] },
    ]);
    expect(await hub.check('ecc')).toEqual({
      ok: true,
      detail:
        'soap bapi ecc.example.com (bapi-salesorder): ZSD_SALESORDER/binding at https://ecc.example.com/sap/bc/srt/rfc/sap/zsd_salesorder/100/zsd_salesorder/binding: ' +
        'BAPI_SALESORDER_CREATEFROMDAT2, BAPI_SALESORDER_GETLIST, BAPI_SALESORDER_CHANGE',
    });
    // The byd entry's ManageSalesOrderIn WSDL path does not exist here: check says so, naming the file.
    expect(await hub.check('byd')).toEqual({
      ok: false,
      detail: `soap byd my123456.sapbydesign.com: WSDL ./config/wsdl/ManageSalesOrderIn.wsdl: no such file (${process.cwd()}/config/wsdl/ManageSalesOrderIn.wsdl)`,
    });
    const instance = soapConnector.create(soapOptionsSchema.parse({ ...(({ kind: _k, enabled: _e, mappings: _m, ...rest }) => rest)(connectors.ecc!) }), { logger, now: () => new Date() });
    expect(instance.orders).toEqual({ find: expect.any(Function), create: expect.any(Function), cancel: expect.any(Function) });
    expect(() => instance.read('products', null, AbortSignal.timeout(1000))).toThrow(ConfigError);
    expect(() => instance.read('products', null, AbortSignal.timeout(1000))).toThrow('soap bapi ecc.example.com: no stream products; a soap connector has no streams, it takes orders');
    await hub.close();
  });
});

describe('soap connector: helpers', () => {
  it('stableUuid is a version-5-layout UUID, the same for the same name and different per step', () => {
    const create = stableUuid('6f1c2b1e-5d2a-4c1e-9b7a-0c3e2d1f4a5b:create');
    expect(create).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('6f1c2b1e-5d2a-4c1e-9b7a-0c3e2d1f4a5b:create')).toBe(create);
    expect(stableUuid('6f1c2b1e-5d2a-4c1e-9b7a-0c3e2d1f4a5b:cancel')).not.toBe(create);
  });

  it('priceRate books the line amount exactly: per unit when it divides, else per the quantity', () => {
    expect(priceRate('120.00', 10)).toEqual({ rate: '12', per: '1' });
    expect(priceRate('99.99', 3)).toEqual({ rate: '33.33', per: '1' });
    expect(priceRate('100.00', 3)).toEqual({ rate: '100', per: '3' });
    expect(priceRate('0.00', 5)).toEqual({ rate: '0', per: '1' });
    expect(priceRate('10.00', 7, 5)).toEqual({ rate: '1.428571429', per: '1' });
  });
});
