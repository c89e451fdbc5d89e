import type { Request } from 'express';
import type { ProblemDocument } from './problem.js';

/**
 * Problems in the caller's language (Accept-Language; English otherwise): every title, and the
 * details that say the same for every request of their kind. A rule's own detail (why this
 * booking conflicts) and per-field messages stay in English — clients key their own words on
 * `type` and `errors[].field`, which never change with the language.
 */
export const PROBLEM_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'zh-Hans', 'ar'] as const;
type Language = (typeof PROBLEM_LANGUAGES)[number];
type Translations = Record<Exclude<Language, 'en'>, string>;

const TITLES: Record<string, Translations> = {
  'validation-error': {
    de: 'Ungültige Angaben',
    fr: 'Données non valides',
    es: 'Datos no válidos',
    nl: 'Ongeldige gegevens',
    it: 'Dati non validi',
    'zh-Hans': '数据无效',
    ar: 'بيانات غير صالحة',
  },
  'not-found': { de: 'Nicht gefunden', fr: 'Introuvable', es: 'No encontrado', nl: 'Niet gevonden', it: 'Non trovato', 'zh-Hans': '未找到', ar: 'غير موجود' },
  'route-not-found': {
    de: 'Nicht gefunden',
    fr: 'Introuvable',
    es: 'No encontrado',
    nl: 'Niet gevonden',
    it: 'Non trovato',
    'zh-Hans': '未找到',
    ar: 'غير موجود',
  },
  unauthenticated: {
    de: 'Anmeldung erforderlich',
    fr: 'Authentification requise',
    es: 'Se requiere autenticación',
    nl: 'Aanmelden vereist',
    it: 'Autenticazione richiesta',
    'zh-Hans': '需要身份验证',
    ar: 'المصادقة مطلوبة',
  },
  forbidden: { de: 'Nicht erlaubt', fr: 'Non autorisé', es: 'No permitido', nl: 'Niet toegestaan', it: 'Non consentito', 'zh-Hans': '不允许', ar: 'غير مسموح' },
  conflict: { de: 'Konflikt', fr: 'Conflit', es: 'Conflicto', nl: 'Conflict', it: 'Conflitto', 'zh-Hans': '冲突', ar: 'تعارض' },
  'rate-limited': {
    de: 'Zu viele Anfragen',
    fr: 'Trop de requêtes',
    es: 'Demasiadas solicitudes',
    nl: 'Te veel verzoeken',
    it: 'Troppe richieste',
    'zh-Hans': '请求过多',
    ar: 'طلبات كثيرة جدًا',
  },
  'account-locked': {
    de: 'Konto vorübergehend gesperrt',
    fr: 'Compte temporairement bloqué',
    es: 'Cuenta bloqueada temporalmente',
    nl: 'Account tijdelijk geblokkeerd',
    it: 'Account temporaneamente bloccato',
    'zh-Hans': '账户已暂时锁定',
    ar: 'الحساب مقفل مؤقتًا',
  },
  'bad-request': {
    de: 'Anfrage nicht lesbar',
    fr: 'Requête illisible',
    es: 'Solicitud ilegible',
    nl: 'Verzoek onleesbaar',
    it: 'Richiesta illeggibile',
    'zh-Hans': '无法读取请求',
    ar: 'تعذّر قراءة الطلب',
  },
  'payload-too-large': {
    de: 'Inhalt zu groß',
    fr: 'Contenu trop volumineux',
    es: 'Contenido demasiado grande',
    nl: 'Inhoud te groot',
    it: 'Contenuto troppo grande',
    'zh-Hans': '内容过大',
    ar: 'المحتوى كبير جدًا',
  },
  'unpaid-fees': {
    de: 'Offene Gebühren',
    fr: 'Frais impayés',
    es: 'Tarifas pendientes',
    nl: 'Openstaande kosten',
    it: 'Tariffe non pagate',
    'zh-Hans': '未付费用',
    ar: 'رسوم غير مدفوعة',
  },
  'payment-declined': {
    de: 'Zahlung abgelehnt',
    fr: 'Paiement refusé',
    es: 'Pago rechazado',
    nl: 'Betaling geweigerd',
    it: 'Pagamento rifiutato',
    'zh-Hans': '付款被拒绝',
    ar: 'تم رفض الدفع',
  },
  'payment-required': {
    de: 'Zahlung erforderlich',
    fr: 'Paiement requis',
    es: 'Pago necesario',
    nl: 'Betaling vereist',
    it: 'Pagamento richiesto',
    'zh-Hans': '需要付款',
    ar: 'الدفع مطلوب',
  },
  timeout: {
    de: 'Keine Antwort in der Zeit',
    fr: 'Pas de réponse à temps',
    es: 'Sin respuesta a tiempo',
    nl: 'Geen antwoord op tijd',
    it: 'Nessuna risposta in tempo',
    'zh-Hans': '未及时响应',
    ar: 'لا رد في الوقت المحدد',
  },
  internal: {
    de: 'Interner Fehler',
    fr: 'Erreur interne',
    es: 'Error interno',
    nl: 'Interne fout',
    it: 'Errore interno',
    'zh-Hans': '内部错误',
    ar: 'خطأ داخلي',
  },
  unavailable: {
    de: 'Dienst nicht verfügbar',
    fr: 'Service indisponible',
    es: 'Servicio no disponible',
    nl: 'Dienst niet beschikbaar',
    it: 'Servizio non disponibile',
    'zh-Hans': '服务不可用',
    ar: 'الخدمة غير متاحة',
  },
};

/** A rule's problem without a title of its own carries its status's generic title (in English, these). */
const GENERIC: Record<number, { title: string; slug: string }> = {
  400: { title: 'Bad request', slug: 'bad-request' },
  401: { title: 'Authentication required', slug: 'unauthenticated' },
  402: { title: 'Payment required', slug: 'payment-required' },
  403: { title: 'Not allowed', slug: 'forbidden' },
  404: { title: 'Not found', slug: 'not-found' },
  409: { title: 'Conflict', slug: 'conflict' },
  422: { title: 'Validation failed', slug: 'validation-error' },
  429: { title: 'Too many requests', slug: 'rate-limited' },
  503: { title: 'Service unavailable', slug: 'unavailable' },
  504: { title: 'No answer in time', slug: 'timeout' },
};

/** Details that are the same for every problem of the type; `{seconds}` is filled from the problem. */
const DETAILS: Record<string, { en: RegExp; text: Translations }> = {
  'validation-error': {
    en: /^One or more fields are invalid\.$/,
    text: {
      de: 'Ein oder mehrere Felder sind ungültig.',
      fr: 'Un ou plusieurs champs ne sont pas valides.',
      es: 'Uno o varios campos no son válidos.',
      nl: 'Een of meer velden zijn ongeldig.',
      it: 'Uno o più campi non sono validi.',
      'zh-Hans': '一个或多个字段无效。',
      ar: 'حقل واحد أو أكثر غير صالح.',
    },
  },
  unauthenticated: {
    en: /^Credentials are missing, invalid or expired\.$/,
    text: {
      de: 'Anmeldedaten fehlen, sind ungültig oder abgelaufen.',
      fr: 'Identifiants absents, non valides ou expirés.',
      es: 'Faltan las credenciales o no son válidas o han caducado.',
      nl: 'Inloggegevens ontbreken, zijn ongeldig of verlopen.',
      it: 'Credenziali mancanti, non valide o scadute.',
      'zh-Hans': '凭据缺失、无效或已过期。',
      ar: 'بيانات الاعتماد مفقودة أو غير صالحة أو منتهية الصلاحية.',
    },
  },
  internal: {
    en: /^Something went wrong on our side\./,
    text: {
      de: 'Bei uns ist etwas schiefgelaufen. Nennen Sie die request_id, wenn Sie es melden.',
      fr: 'Un problème est survenu de notre côté. Indiquez la request_id en le signalant.',
      es: 'Algo ha fallado por nuestra parte. Indica la request_id al informar del error.',
      nl: 'Er ging bij ons iets mis. Vermeld de request_id als u dit meldt.',
      it: 'Qualcosa è andato storto da parte nostra. Indica la request_id quando lo segnali.',
      'zh-Hans': '我们这边出现了问题。报告时请提供 request_id。',
      ar: 'حدث خطأ من جهتنا. اذكر request_id عند الإبلاغ عنه.',
    },
  },
  'rate-limited': {
    en: /^Try again in (?<seconds>\d+) s\.$/,
    text: {
      de: 'Bitte in {seconds} s erneut versuchen.',
      fr: 'Réessayez dans {seconds} s.',
      es: 'Vuelve a intentarlo dentro de {seconds} s.',
      nl: 'Probeer het over {seconds} s opnieuw.',
      it: 'Riprova tra {seconds} s.',
      'zh-Hans': '请在 {seconds} 秒后重试。',
      ar: 'أعد المحاولة بعد {seconds} ث.',
    },
  },
  'account-locked': {
    en: /^Too many wrong passwords for this account: try again in (?<seconds>\d+) s/,
    text: {
      de: 'Zu viele falsche Passwörter für dieses Konto: Versuchen Sie es in {seconds} s erneut oder setzen Sie das Passwort zurück.',
      fr: 'Trop de mots de passe erronés pour ce compte : réessayez dans {seconds} s ou réinitialisez le mot de passe.',
      es: 'Demasiadas contraseñas incorrectas para esta cuenta: vuelve a intentarlo dentro de {seconds} s o restablece la contraseña.',
      nl: 'Te veel verkeerde wachtwoorden voor dit account: probeer het over {seconds} s opnieuw of stel het wachtwoord opnieuw in.',
      it: 'Troppe password errate per questo account: riprova tra {seconds} s o reimposta la password.',
      'zh-Hans': '此账户密码错误次数过多：请在 {seconds} 秒后重试，或重置密码。',
      ar: 'كلمات مرور خاطئة كثيرة لهذا الحساب: أعد المحاولة بعد {seconds} ث أو أعد تعيين كلمة المرور.',
    },
  },
};

/** The caller's language among ours, from Accept-Language (any `zh` is Simplified Chinese). */
export function problemLanguage(req: Request): Language {
  const tags = PROBLEM_LANGUAGES.map((l) => (l === 'zh-Hans' ? 'zh' : l));
  const best = req.acceptsLanguages(...tags);
  if (!best) return 'en';
  return best.startsWith('zh') ? 'zh-Hans' : (best as Language);
}

/** The document in `language`: its title, and its detail when that is one of the fixed ones. */
export function localizeProblem(doc: ProblemDocument, language: Language): ProblemDocument {
  if (language === 'en') return doc;
  const slug = doc.type.slice(doc.type.lastIndexOf('/') + 1);
  const generic = GENERIC[doc.status];
  const title = TITLES[slug]?.[language] ?? (generic && doc.title === generic.title ? TITLES[generic.slug]?.[language] : undefined);
  const fixed = DETAILS[slug];
  const match = doc.detail && fixed ? fixed.en.exec(doc.detail) : null;
  const detail = match ? fixed?.text[language].replace('{seconds}', match.groups?.seconds ?? '') : doc.detail;
  return { ...doc, ...(title && { title }), ...(detail !== undefined && { detail }) };
}
