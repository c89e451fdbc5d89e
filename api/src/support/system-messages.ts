/**
 * What the platform itself writes on a ticket, in the ticket's language (English, French and
 * German, the console's languages, and the app's others where we have them; English otherwise).
 */
const TEXTS = {
  'incident.resolved': {
    en: 'Good news: the charger is working again and the incident is resolved.',
    de: 'Gute Nachricht: Die Ladestation funktioniert wieder, die Störung ist behoben.',
    fr: 'Bonne nouvelle : la borne fonctionne à nouveau, l’incident est résolu.',
    es: 'Buenas noticias: el cargador vuelve a funcionar y la incidencia está resuelta.',
    nl: 'Goed nieuws: de laadpaal werkt weer en de storing is opgelost.',
    it: 'Buone notizie: la colonnina funziona di nuovo e il guasto è risolto.',
  },
  'incident.linked': {
    en: 'We know about this fault and are working on it.',
    de: 'Wir kennen diese Störung und arbeiten daran.',
    fr: 'Nous connaissons cette panne et y travaillons.',
    es: 'Conocemos esta avería y estamos trabajando en ella.',
    nl: 'We kennen deze storing en werken eraan.',
    it: 'Conosciamo questo guasto e ci stiamo lavorando.',
  },
} as const;

export type SystemText = keyof typeof TEXTS;

export function systemText(key: SystemText, language: string): string {
  const texts: Record<string, string> = TEXTS[key];
  return texts[language.split('-')[0]?.toLowerCase() ?? 'en'] ?? texts.en ?? key;
}
