import type { RouteModule } from '../core/http/server.js';
import { adminAlertRoutes } from './admin/alerts.js';
import { adminConnectorRoutes } from './admin/connectors.js';
import { adminCreditRoutes } from './admin/credit.js';
import { adminDealerRoutes } from './admin/dealers.js';
import { adminJobRoutes } from './admin/jobs.js';
import { adminOrderRoutes } from './admin/orders.js';
import { adminOutboxRoutes } from './admin/outbox.js';
import { adminPromotionRoutes } from './admin/promotions.js';
import { adminReconciliationRoutes } from './admin/reconciliation.js';
import { adminTokenRoutes } from './admin/tokens.js';
import { portalDealerRoutes } from './portal/dealer-routes.js';
import { portalSessionRoutes } from './portal/session-routes.js';
import { portalStaticRoutes } from './portal/static-routes.js';
import { meRoutes } from './v1/me.js';
import { catalogRoutes } from './v1/catalog.js';
import { ediRoutes } from './v1/edi.js';
import { orderRoutes } from './v1/orders.js';
import { orderBatchRoutes } from './v1/orders-batch.js';
import { shipToRoutes } from './v1/ship-tos.js';
import { tmsWebhookRoutes } from './webhooks/tms.js';
import { adminReplenishmentRoutes } from './admin/replenishment.js';
import { replenishmentRoutes } from './v1/replenishment.js';
import { sellThroughRoutes } from './v1/sell-through.js';

/** Every route group the daemon serves, in one explicit list. */
export const ROUTES: readonly RouteModule[] = [portalStaticRoutes, portalSessionRoutes, portalDealerRoutes, meRoutes, shipToRoutes, orderRoutes, orderBatchRoutes, ediRoutes, catalogRoutes, adminDealerRoutes, adminTokenRoutes, adminJobRoutes, adminConnectorRoutes, adminOrderRoutes, adminOutboxRoutes, adminPromotionRoutes, adminReconciliationRoutes, adminAlertRoutes, adminCreditRoutes, tmsWebhookRoutes, replenishmentRoutes, sellThroughRoutes, adminReplenishmentRoutes];
