import { mailLanguage } from '../mail/templates.js';
import type { ConsentPurpose } from './privacy.tables.js';

/**
 * What a person is asked to agree to, per purpose, in the app's eight languages. A change of
 * words is a new version: a consent given to older words is refused as stale, so every record
 * holds the words the person really saw. `{partner}` is the partner's name.
 */
export const CONSENT_TEXTS: Record<ConsentPurpose, { version: string; text: Record<string, string> }> = {
  marketing: {
    version: '2026-12-01',
    text: {
      en: 'Send me news and offers from Voltshare by email. I can stop this at any time.',
      de: 'Schicken Sie mir Neuigkeiten und Angebote von Voltshare per E-Mail. Ich kann das jederzeit beenden.',
      fr: 'Envoyez-moi par e-mail les nouveautés et offres de Voltshare. Je peux arrêter à tout moment.',
      es: 'Enviadme por correo novedades y ofertas de Voltshare. Puedo dejarlo en cualquier momento.',
      nl: 'Stuur me per e-mail nieuws en aanbiedingen van Voltshare. Ik kan dit altijd stopzetten.',
      it: 'Inviatemi via email novità e offerte di Voltshare. Posso interrompere in qualsiasi momento.',
      'zh-Hans': '通过电子邮件向我发送 Voltshare 的新闻和优惠。我可以随时取消。',
      ar: 'أرسلوا لي أخبار Voltshare وعروضها بالبريد الإلكتروني. يمكنني إيقاف ذلك في أي وقت.',
    },
  },
  location_history: {
    version: '2026-12-01',
    text: {
      en: 'Use where and when I charged to recommend stations and cheaper hours for me.',
      de: 'Nutzen Sie, wo und wann ich geladen habe, um mir Stationen und günstigere Zeiten zu empfehlen.',
      fr: 'Utiliser où et quand j’ai rechargé pour me recommander des stations et des heures moins chères.',
      es: 'Usar dónde y cuándo he cargado para recomendarme estaciones y horas más baratas.',
      nl: 'Gebruik waar en wanneer ik heb geladen om me stations en goedkopere uren aan te bevelen.',
      it: 'Usare dove e quando ho ricaricato per consigliarmi stazioni e orari più economici.',
      'zh-Hans': '根据我充电的地点和时间，为我推荐充电站和更便宜的时段。',
      ar: 'استخدام أماكن وأوقات شحني لاقتراح محطات وساعات أرخص لي.',
    },
  },
  partner_sharing: {
    version: '2026-12-01',
    text: {
      en: 'Share my charging sessions (when, where, how much energy and what it cost) with {partner}.',
      de: 'Meine Ladevorgänge (wann, wo, wie viel Energie und zu welchem Preis) mit {partner} teilen.',
      fr: 'Partager mes sessions de recharge (quand, où, quelle énergie et à quel prix) avec {partner}.',
      es: 'Compartir mis sesiones de carga (cuándo, dónde, cuánta energía y su coste) con {partner}.',
      nl: 'Mijn laadsessies (wanneer, waar, hoeveel energie en wat het kostte) delen met {partner}.',
      it: 'Condividere le mie ricariche (quando, dove, quanta energia e quanto sono costate) con {partner}.',
      'zh-Hans': '与 {partner} 共享我的充电记录（时间、地点、电量和费用）。',
      ar: 'مشاركة جلسات الشحن الخاصة بي (متى وأين وكم من الطاقة وبكم) مع {partner}.',
    },
  },
};

/** The words for a purpose in the reader's language (English otherwise). */
export function consentText(purpose: ConsentPurpose, locale: string | undefined, partnerName?: string): { version: string; language: string; text: string } {
  const { version, text } = CONSENT_TEXTS[purpose];
  const language = mailLanguage(locale);
  return { version, language, text: (text[language] ?? (text.en as string)).replace('{partner}', partnerName ?? '') };
}
