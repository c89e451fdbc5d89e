import type { CostLine } from '../tariffs/pricing.js';
import type { SessionPaymentStatus } from './payments.model.js';

/** The languages receipts are written in (the widget's). */
export const RECEIPT_LOCALES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'zh-Hans'] as const;
export type ReceiptLocale = (typeof RECEIPT_LOCALES)[number];

export interface ReceiptText {
  title: string;
  item: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  total: string;
  ofWhichVat: string;
  /** `{pct}` is the VAT rate. */
  vatIncluded: string;
  net: string;
  payment: string;
  session: string;
  vatNumber: string;
  /** `{rounding}` is the tariff's rounding rule. */
  note: string;
  /** `{renewable}` the renewable share, `{co2}` the CO₂ emitted (location-based), `{avoided}` the CO₂ avoided against a petrol car. */
  carbon: string;
  lines: Record<CostLine['type'], string>;
  status: Record<SessionPaymentStatus, string>;
}

export const RECEIPT_TEXT: Record<ReceiptLocale, ReceiptText> = {
  en: {
    title: 'Charging receipt',
    item: 'Item',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    amount: 'Amount',
    total: 'Total',
    ofWhichVat: 'of which VAT',
    vatIncluded: '{pct} % included',
    net: 'Net of VAT',
    payment: 'Payment',
    session: 'Session',
    vatNumber: 'VAT',
    note: 'Prices include VAT. Rounding: {rounding}.',
    carbon: 'Energy {renewable} renewable · {co2} CO₂ emitted (grid average) · {avoided} CO₂ avoided against a petrol car.',
    lines: {
      ENERGY: 'Energy',
      TIME: 'Charging time',
      PARKING_TIME: 'Idle fee',
      FLAT: 'Session fee',
      MIN_PRICE: 'Minimum price adjustment',
      MAX_PRICE: 'Price cap adjustment',
    },
    status: {
      not_required: 'nothing to pay',
      pending: 'pending',
      authorized: 'authorised',
      requires_action: 'awaiting your confirmation',
      paid: 'paid',
      released: 'nothing charged',
      failed: 'failed',
      payment_failed: 'payment failed',
      refunded: 'refunded',
      partially_refunded: 'partly refunded',
    },
  },
  de: {
    title: 'Ladebeleg',
    item: 'Position',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    amount: 'Betrag',
    total: 'Gesamt',
    ofWhichVat: 'davon MwSt.',
    vatIncluded: '{pct} % enthalten',
    net: 'Netto',
    payment: 'Zahlung',
    session: 'Ladevorgang',
    vatNumber: 'USt-IdNr.',
    note: 'Preise inklusive MwSt. Rundung: {rounding}.',
    carbon: 'Energie zu {renewable} erneuerbar · {co2} CO₂ ausgestoßen (Netzdurchschnitt) · {avoided} CO₂ vermieden gegenüber einem Benziner.',
    lines: {
      ENERGY: 'Energie',
      TIME: 'Ladezeit',
      PARKING_TIME: 'Blockiergebühr',
      FLAT: 'Startgebühr',
      MIN_PRICE: 'Ausgleich auf Mindestpreis',
      MAX_PRICE: 'Ausgleich auf Höchstpreis',
    },
    status: {
      not_required: 'nichts zu zahlen',
      pending: 'ausstehend',
      authorized: 'autorisiert',
      requires_action: 'wartet auf Ihre Bestätigung',
      paid: 'bezahlt',
      released: 'nichts berechnet',
      failed: 'fehlgeschlagen',
      payment_failed: 'Zahlung fehlgeschlagen',
      refunded: 'erstattet',
      partially_refunded: 'teilweise erstattet',
    },
  },
  fr: {
    title: 'Reçu de recharge',
    item: 'Poste',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire',
    amount: 'Montant',
    total: 'Total',
    ofWhichVat: 'dont TVA',
    vatIncluded: '{pct} % incluse',
    net: 'Hors TVA',
    payment: 'Paiement',
    session: 'Session',
    vatNumber: 'N° TVA',
    note: 'Prix TTC. Arrondi : {rounding}.',
    carbon: 'Énergie renouvelable à {renewable} · {co2} de CO₂ émis (moyenne du réseau) · {avoided} de CO₂ évités par rapport à une voiture essence.',
    lines: {
      ENERGY: 'Énergie',
      TIME: 'Durée de recharge',
      PARKING_TIME: 'Frais d’occupation',
      FLAT: 'Frais de session',
      MIN_PRICE: 'Ajustement au prix minimum',
      MAX_PRICE: 'Ajustement au prix maximum',
    },
    status: {
      not_required: 'rien à payer',
      pending: 'en attente',
      authorized: 'autorisé',
      requires_action: 'en attente de votre confirmation',
      paid: 'payé',
      released: 'rien n’a été débité',
      failed: 'échoué',
      payment_failed: 'paiement échoué',
      refunded: 'remboursé',
      partially_refunded: 'remboursé en partie',
    },
  },
  es: {
    title: 'Recibo de recarga',
    item: 'Concepto',
    quantity: 'Cantidad',
    unitPrice: 'Precio unitario',
    amount: 'Importe',
    total: 'Total',
    ofWhichVat: 'de los cuales IVA',
    vatIncluded: '{pct} % incluido',
    net: 'Base imponible',
    payment: 'Pago',
    session: 'Sesión',
    vatNumber: 'NIF-IVA',
    note: 'Precios con IVA incluido. Redondeo: {rounding}.',
    carbon: 'Energía {renewable} renovable · {co2} de CO₂ emitido (media de la red) · {avoided} de CO₂ evitado frente a un coche de gasolina.',
    lines: {
      ENERGY: 'Energía',
      TIME: 'Tiempo de carga',
      PARKING_TIME: 'Tarifa por ocupación',
      FLAT: 'Tarifa por sesión',
      MIN_PRICE: 'Ajuste al precio mínimo',
      MAX_PRICE: 'Ajuste al precio máximo',
    },
    status: {
      not_required: 'nada que pagar',
      pending: 'pendiente',
      authorized: 'autorizado',
      requires_action: 'pendiente de tu confirmación',
      paid: 'pagado',
      released: 'no se ha cobrado nada',
      failed: 'fallido',
      payment_failed: 'pago fallido',
      refunded: 'reembolsado',
      partially_refunded: 'reembolsado en parte',
    },
  },
  nl: {
    title: 'Laadbon',
    item: 'Omschrijving',
    quantity: 'Hoeveelheid',
    unitPrice: 'Prijs per eenheid',
    amount: 'Bedrag',
    total: 'Totaal',
    ofWhichVat: 'waarvan btw',
    vatIncluded: '{pct} % inbegrepen',
    net: 'Exclusief btw',
    payment: 'Betaling',
    session: 'Laadsessie',
    vatNumber: 'Btw-nr.',
    note: 'Prijzen inclusief btw. Afronding: {rounding}.',
    carbon: 'Energie voor {renewable} hernieuwbaar · {co2} CO₂ uitgestoten (netgemiddelde) · {avoided} CO₂ vermeden ten opzichte van een benzineauto.',
    lines: {
      ENERGY: 'Energie',
      TIME: 'Laadtijd',
      PARKING_TIME: 'Stilstandskosten',
      FLAT: 'Starttarief',
      MIN_PRICE: 'Aanvulling tot minimumprijs',
      MAX_PRICE: 'Korting tot maximumprijs',
    },
    status: {
      not_required: 'niets te betalen',
      pending: 'in behandeling',
      authorized: 'geautoriseerd',
      requires_action: 'wacht op uw bevestiging',
      paid: 'betaald',
      released: 'niets afgeschreven',
      failed: 'mislukt',
      payment_failed: 'betaling mislukt',
      refunded: 'terugbetaald',
      partially_refunded: 'deels terugbetaald',
    },
  },
  it: {
    title: 'Ricevuta di ricarica',
    item: 'Voce',
    quantity: 'Quantità',
    unitPrice: 'Prezzo unitario',
    amount: 'Importo',
    total: 'Totale',
    ofWhichVat: 'di cui IVA',
    vatIncluded: '{pct} % inclusa',
    net: 'Imponibile',
    payment: 'Pagamento',
    session: 'Sessione',
    vatNumber: 'P. IVA',
    note: 'Prezzi IVA inclusa. Arrotondamento: {rounding}.',
    carbon: "Energia rinnovabile al {renewable} · {co2} di CO₂ emessa (media della rete) · {avoided} di CO₂ evitata rispetto a un'auto a benzina.",
    lines: {
      ENERGY: 'Energia',
      TIME: 'Tempo di ricarica',
      PARKING_TIME: 'Tariffa di sosta',
      FLAT: 'Tariffa di sessione',
      MIN_PRICE: 'Adeguamento al prezzo minimo',
      MAX_PRICE: 'Adeguamento al prezzo massimo',
    },
    status: {
      not_required: 'niente da pagare',
      pending: 'in attesa',
      authorized: 'autorizzato',
      requires_action: 'in attesa della tua conferma',
      paid: 'pagato',
      released: 'nessun addebito',
      failed: 'non riuscito',
      payment_failed: 'pagamento non riuscito',
      refunded: 'rimborsato',
      partially_refunded: 'rimborsato in parte',
    },
  },
  'zh-Hans': {
    title: '充电收据',
    item: '项目',
    quantity: '数量',
    unitPrice: '单价',
    amount: '金额',
    total: '合计',
    ofWhichVat: '其中增值税',
    vatIncluded: '含 {pct} %',
    net: '不含增值税',
    payment: '付款',
    session: '充电会话',
    vatNumber: '增值税号',
    note: '价格含增值税。舍入：{rounding}。',
    carbon: '可再生能源占比 {renewable} · 排放 CO₂ {co2}（电网平均） · 与汽油车相比减少 CO₂ {avoided}。',
    lines: {
      ENERGY: '电量',
      TIME: '充电时长',
      PARKING_TIME: '占位费',
      FLAT: '单次服务费',
      MIN_PRICE: '最低价格调整',
      MAX_PRICE: '最高价格调整',
    },
    status: {
      not_required: '无需付款',
      pending: '处理中',
      authorized: '已授权',
      requires_action: '等待您确认',
      paid: '已付款',
      released: '未扣款',
      failed: '失败',
      payment_failed: '付款失败',
      refunded: '已退款',
      partially_refunded: '部分退款',
    },
  },
};

/**
 * The receipt's language: `lang` when it names one, else the best of the Accept-Language header,
 * else English. `zh` in any form is Simplified Chinese.
 */
export function receiptLocale(lang: string | undefined, accepts: (languages: string[]) => string | false): ReceiptLocale {
  const pick = (tag: string | false | undefined): ReceiptLocale | undefined => {
    if (!tag) return undefined;
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-Hans';
    return RECEIPT_LOCALES.find((l) => l === lower.split('-')[0]);
  };
  return pick(lang) ?? pick(accepts(RECEIPT_LOCALES.map((l) => l.split('-')[0] as string))) ?? 'en';
}
