import type { Rng } from './prng';

/**
 * Event payloads shaped like web and app analytics (page, device, marketing, commerce blocks). Their JSON size
 * spreads over 0.3–2 KB mostly through the number of products in view, as on real product-list pages.
 */
const CATEGORIES = ['shoes', 'jackets', 'bags', 'watches', 'shirts', 'trousers', 'sports', 'kids'];
const ADJECTIVES = ['Classic', 'Urban', 'Trail', 'Summer', 'Nordic', 'Studio', 'Everyday', 'Premium'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
];
const CAMPAIGNS = ['spring-sale', 'newsletter-w14', 'retargeting', 'brand-search', 'influencer-q2'];
const SOURCES = ['google', 'newsletter', 'instagram', 'direct', 'partner-site'];

export const WEB_EVENT_TYPES = ['pageView', 'pageView', 'pageView', 'pageView', 'productView', 'productView', 'search', 'addToCart', 'purchase'];
export const APP_EVENT_TYPES = ['screenView', 'screenView', 'screenView', 'productView', 'productView', 'addToCart', 'pushOpened', 'purchase'];

interface Product {
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: string;
  quantity: number;
}

function product(rng: Rng): Product {
  const category = rng.pick(CATEGORIES);
  return {
    sku: `SKU-${rng.int(10000, 99999)}`,
    name: `${rng.pick(ADJECTIVES)} ${category} ${rng.int(1, 40)}`,
    category,
    price: rng.int(900, 49900) / 100,
    currency: 'EUR',
    quantity: rng.int(1, 3),
  };
}

function products(rng: Rng, type: string): Product[] {
  if (type === 'productView' || type === 'addToCart') return [product(rng)];
  if (type === 'purchase') return Array.from({ length: rng.int(1, 5) }, () => product(rng));
  if (type === 'search' || rng.chance(0.4)) return Array.from({ length: rng.int(0, 10) }, () => product(rng));
  return [];
}

/** Consent-management context: every tag manager sends it along, and it keeps the smallest event near 0.3 KB. */
function consent(rng: Rng): Record<string, unknown> {
  return { analytics: true, marketing: rng.chance(0.6), framework: 'tcf-2.2', string: rng.hex(48), cmpVersion: rng.int(1, 9) };
}

function commerce(rng: Rng, type: string): Record<string, unknown> {
  const items = products(rng, type);
  const total = items.reduce((sum, p) => sum + p.price * p.quantity, 0);
  const block: Record<string, unknown> = { products: items };
  if (type === 'purchase') block.order = { orderId: `O-${rng.hex(10)}`, total: Math.round(total * 100) / 100, payment: rng.pick(['card', 'paypal', 'invoice']) };
  return block;
}

export function webEventData(rng: Rng, type: string, sessionId: string, seq: number): Record<string, unknown> {
  const category = rng.pick(CATEGORIES);
  return {
    page: {
      url: `https://shop.example/${category}/${rng.int(1, 500)}?ref=${rng.hex(6)}`,
      title: `${rng.pick(ADJECTIVES)} ${category} | Shop Example`,
      referrer: rng.chance(0.5) ? `https://${rng.pick(SOURCES)}.example/` : '',
      language: rng.pick(['de-CH', 'fr-CH', 'en-GB', 'it-CH']),
    },
    device: { userAgent: rng.pick(USER_AGENTS), viewport: rng.pick(['1920x1080', '1440x900', '390x844', '412x915']) },
    marketing: rng.chance(0.3) ? { utmSource: rng.pick(SOURCES), utmCampaign: rng.pick(CAMPAIGNS), utmMedium: 'cpc' } : {},
    session: { id: sessionId, seq },
    consent: consent(rng),
    ...(type === 'search' ? { search: { term: `${rng.pick(ADJECTIVES).toLowerCase()} ${category}`, results: rng.int(0, 240) } } : {}),
    commerce: commerce(rng, type),
  };
}

export function appEventData(rng: Rng, type: string, sessionId: string, seq: number, os: string): Record<string, unknown> {
  return {
    screen: { name: `${rng.pick(CATEGORIES)}-${type}`, orientation: rng.pick(['portrait', 'portrait', 'landscape']) },
    app: { id: 'com.shop.example', version: `5.${rng.int(0, 12)}.${rng.int(0, 9)}`, os, osVersion: os === 'iOS' ? '17.4' : '14' },
    network: { type: rng.pick(['wifi', '5g', '4g']), carrier: rng.pick(['Swisscom', 'Sunrise', 'Salt']) },
    session: { id: sessionId, seq },
    consent: consent(rng),
    commerce: commerce(rng, type),
  };
}
