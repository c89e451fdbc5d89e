import type { Mailer } from './mailer.js';

/**
 * The platform's emails in the recipient's language: the app's eight (English the fallback),
 * right to left for Arabic. Placeholders are `{name}`; values are escaped in the HTML part.
 */
export const MAIL_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'zh-Hans', 'ar'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export const MAIL_TEMPLATES = [
  'account.verify_email',
  'account.password_reset',
  'account.password_changed',
  'reservation.created',
  'reservation.cancelled',
  'reservation.no_show',
  'reservation.fee_failed',
  'support.reply',
  'privacy.export_ready',
] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

interface Text {
  subject: string;
  lines: string[];
  /** The button's label; the message's `link` is its target. */
  action?: string;
  note?: string;
}

interface Common {
  hello: string;
  helloNamed: string;
  footer: string;
}

const COMMON: Record<MailLanguage, Common> = {
  en: { hello: 'Hello,', helloNamed: 'Hello {name},', footer: 'Voltshare — one app for every charging network' },
  de: { hello: 'Hallo,', helloNamed: 'Hallo {name},', footer: 'Voltshare — eine App für jedes Ladenetz' },
  fr: { hello: 'Bonjour,', helloNamed: 'Bonjour {name},', footer: 'Voltshare — une appli pour tous les réseaux de recharge' },
  es: { hello: 'Hola:', helloNamed: 'Hola, {name}:', footer: 'Voltshare: una app para todas las redes de carga' },
  nl: { hello: 'Hallo,', helloNamed: 'Hallo {name},', footer: 'Voltshare — één app voor elk laadnetwerk' },
  it: { hello: 'Ciao,', helloNamed: 'Ciao {name},', footer: 'Voltshare — un’app per ogni rete di ricarica' },
  'zh-Hans': { hello: '您好：', helloNamed: '{name}，您好：', footer: 'Voltshare — 一个应用，连接所有充电网络' },
  ar: { hello: 'مرحبًا،', helloNamed: 'مرحبًا {name}،', footer: 'Voltshare — تطبيق واحد لكل شبكات الشحن' },
};

const TEXTS: Record<MailLanguage, Record<MailTemplate, Text>> = {
  en: {
    'account.verify_email': {
      subject: 'Confirm your email address',
      lines: ['Please confirm that {email} is your email address for Voltshare.'],
      action: 'Confirm email address',
      note: 'The link works once, for 24 hours. If you did not sign up, ignore this email.',
    },
    'account.password_reset': {
      subject: 'Choose a new password',
      lines: ['Someone, hopefully you, asked to reset the password of your Voltshare account.'],
      action: 'Choose a new password',
      note: 'The link works once, for 60 minutes. If you did not ask for it, ignore this email: your password stays as it is.',
    },
    'account.password_changed': {
      subject: 'Your password was changed',
      lines: ['The password of your Voltshare account was just changed, and your other sessions were signed out.'],
      note: 'If this was not you, reset your password at once and contact support.',
    },
    'reservation.created': {
      subject: 'Booking confirmed: {station}',
      lines: ['Your booking at {station} is confirmed: {when}.'],
      note: 'You can change or cancel it in the app at any time.',
    },
    'reservation.cancelled': { subject: 'Booking cancelled: {station}', lines: ['Your booking at {station} ({when}) is cancelled.'] },
    'reservation.no_show': {
      subject: 'Booking expired: {station}',
      lines: ['You did not plug in during your booking at {station} ({when}), so the charger was given back to others.'],
    },
    'reservation.fee_failed': {
      subject: 'We could not take a payment',
      lines: ['The fee of {amount} for your booking at {station} could not be charged.', 'Please check your payment method in the app.'],
    },
    'support.reply': {
      subject: 'New reply to your request #{number}',
      lines: ['There is a new reply to your request “{subject}”.', 'Open it in the app to read and answer.'],
    },
    'privacy.export_ready': {
      subject: 'Your data is ready to download',
      lines: ['The archive of everything Voltshare holds about you is ready.'],
      action: 'Download my data',
      note: 'The link works once, for 7 days; then the archive is deleted.',
    },
  },
  de: {
    'account.verify_email': {
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse',
      lines: ['Bitte bestätigen Sie, dass {email} Ihre E-Mail-Adresse für Voltshare ist.'],
      action: 'E-Mail-Adresse bestätigen',
      note: 'Der Link funktioniert einmal, 24 Stunden lang. Wenn Sie sich nicht registriert haben, ignorieren Sie diese E-Mail.',
    },
    'account.password_reset': {
      subject: 'Passwort zurücksetzen',
      lines: ['Jemand – hoffentlich Sie – möchte das Passwort Ihres Voltshare-Kontos zurücksetzen.'],
      action: 'Neues Passwort wählen',
      note: 'Der Link funktioniert einmal, 60 Minuten lang. Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
    },
    'account.password_changed': {
      subject: 'Ihr Passwort wurde geändert',
      lines: ['Das Passwort Ihres Voltshare-Kontos wurde soeben geändert; Ihre anderen Sitzungen wurden abgemeldet.'],
      note: 'Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück und wenden Sie sich an den Support.',
    },
    'reservation.created': {
      subject: 'Buchung bestätigt: {station}',
      lines: ['Ihre Buchung bei {station} ist bestätigt: {when}.'],
      note: 'Sie können sie jederzeit in der App ändern oder stornieren.',
    },
    'reservation.cancelled': { subject: 'Buchung storniert: {station}', lines: ['Ihre Buchung bei {station} ({when}) ist storniert.'] },
    'reservation.no_show': {
      subject: 'Buchung verfallen: {station}',
      lines: ['Sie haben während Ihrer Buchung bei {station} ({when}) nicht eingesteckt; der Ladepunkt wurde wieder freigegeben.'],
    },
    'reservation.fee_failed': {
      subject: 'Eine Zahlung ist fehlgeschlagen',
      lines: ['Die Gebühr von {amount} für Ihre Buchung bei {station} konnte nicht abgebucht werden.', 'Bitte prüfen Sie Ihre Zahlungsart in der App.'],
    },
    'support.reply': {
      subject: 'Neue Antwort auf Ihre Anfrage #{number}',
      lines: ['Es gibt eine neue Antwort auf Ihre Anfrage „{subject}“.', 'Öffnen Sie sie in der App, um sie zu lesen und zu antworten.'],
    },
    'privacy.export_ready': {
      subject: 'Ihre Daten stehen zum Download bereit',
      lines: ['Das Archiv mit allem, was Voltshare über Sie gespeichert hat, ist fertig.'],
      action: 'Meine Daten herunterladen',
      note: 'Der Link funktioniert einmal, 7 Tage lang; danach wird das Archiv gelöscht.',
    },
  },
  fr: {
    'account.verify_email': {
      subject: 'Confirmez votre adresse e-mail',
      lines: ['Veuillez confirmer que {email} est bien votre adresse e-mail pour Voltshare.'],
      action: 'Confirmer l’adresse e-mail',
      note: 'Le lien fonctionne une fois, pendant 24 heures. Si vous ne vous êtes pas inscrit, ignorez cet e-mail.',
    },
    'account.password_reset': {
      subject: 'Réinitialisez votre mot de passe',
      lines: ['Quelqu’un, vous sans doute, a demandé à réinitialiser le mot de passe de votre compte Voltshare.'],
      action: 'Choisir un nouveau mot de passe',
      note: 'Le lien fonctionne une fois, pendant 60 minutes. Si vous n’avez rien demandé, ignorez cet e-mail : votre mot de passe ne change pas.',
    },
    'account.password_changed': {
      subject: 'Votre mot de passe a été modifié',
      lines: ['Le mot de passe de votre compte Voltshare vient d’être modifié et vos autres sessions ont été fermées.'],
      note: 'Si ce n’était pas vous, réinitialisez tout de suite votre mot de passe et contactez l’assistance.',
    },
    'reservation.created': {
      subject: 'Réservation confirmée : {station}',
      lines: ['Votre réservation à {station} est confirmée : {when}.'],
      note: 'Vous pouvez la modifier ou l’annuler à tout moment dans l’appli.',
    },
    'reservation.cancelled': { subject: 'Réservation annulée : {station}', lines: ['Votre réservation à {station} ({when}) est annulée.'] },
    'reservation.no_show': {
      subject: 'Réservation expirée : {station}',
      lines: ['Vous ne vous êtes pas branché pendant votre réservation à {station} ({when}) : la borne a été libérée.'],
    },
    'reservation.fee_failed': {
      subject: 'Un paiement n’a pas abouti',
      lines: ['Les frais de {amount} pour votre réservation à {station} n’ont pas pu être prélevés.', 'Vérifiez votre moyen de paiement dans l’appli.'],
    },
    'support.reply': {
      subject: 'Nouvelle réponse à votre demande n° {number}',
      lines: ['Votre demande « {subject} » a reçu une nouvelle réponse.', 'Ouvrez-la dans l’appli pour la lire et répondre.'],
    },
    'privacy.export_ready': {
      subject: 'Vos données sont prêtes à télécharger',
      lines: ['L’archive de tout ce que Voltshare conserve à votre sujet est prête.'],
      action: 'Télécharger mes données',
      note: 'Le lien fonctionne une fois, pendant 7 jours ; l’archive est ensuite supprimée.',
    },
  },
  es: {
    'account.verify_email': {
      subject: 'Confirma tu dirección de correo',
      lines: ['Confirma que {email} es tu dirección de correo para Voltshare.'],
      action: 'Confirmar dirección de correo',
      note: 'El enlace funciona una vez, durante 24 horas. Si no te has registrado, ignora este correo.',
    },
    'account.password_reset': {
      subject: 'Restablece tu contraseña',
      lines: ['Alguien, esperamos que tú, ha pedido restablecer la contraseña de tu cuenta de Voltshare.'],
      action: 'Elegir una contraseña nueva',
      note: 'El enlace funciona una vez, durante 60 minutos. Si no lo has pedido, ignora este correo: tu contraseña no cambia.',
    },
    'account.password_changed': {
      subject: 'Tu contraseña ha cambiado',
      lines: ['La contraseña de tu cuenta de Voltshare acaba de cambiar y se han cerrado tus otras sesiones.'],
      note: 'Si no has sido tú, restablece tu contraseña ahora mismo y contacta con el soporte.',
    },
    'reservation.created': {
      subject: 'Reserva confirmada: {station}',
      lines: ['Tu reserva en {station} está confirmada: {when}.'],
      note: 'Puedes cambiarla o cancelarla en la app cuando quieras.',
    },
    'reservation.cancelled': { subject: 'Reserva cancelada: {station}', lines: ['Tu reserva en {station} ({when}) está cancelada.'] },
    'reservation.no_show': {
      subject: 'Reserva caducada: {station}',
      lines: ['No conectaste el coche durante tu reserva en {station} ({when}), así que el cargador quedó libre para otros.'],
    },
    'reservation.fee_failed': {
      subject: 'No hemos podido cobrar un pago',
      lines: ['No se ha podido cobrar la tarifa de {amount} de tu reserva en {station}.', 'Revisa tu método de pago en la app.'],
    },
    'support.reply': {
      subject: 'Nueva respuesta a tu solicitud n.º {number}',
      lines: ['Hay una nueva respuesta a tu solicitud «{subject}».', 'Ábrela en la app para leerla y contestar.'],
    },
    'privacy.export_ready': {
      subject: 'Tus datos están listos para descargar',
      lines: ['El archivo con todo lo que Voltshare guarda sobre ti está listo.'],
      action: 'Descargar mis datos',
      note: 'El enlace funciona una vez, durante 7 días; después se borra el archivo.',
    },
  },
  nl: {
    'account.verify_email': {
      subject: 'Bevestig je e-mailadres',
      lines: ['Bevestig dat {email} je e-mailadres voor Voltshare is.'],
      action: 'E-mailadres bevestigen',
      note: 'De link werkt één keer, 24 uur lang. Heb je je niet aangemeld? Negeer dan deze e-mail.',
    },
    'account.password_reset': {
      subject: 'Stel je wachtwoord opnieuw in',
      lines: ['Iemand, hopelijk jij, heeft gevraagd het wachtwoord van je Voltshare-account opnieuw in te stellen.'],
      action: 'Nieuw wachtwoord kiezen',
      note: 'De link werkt één keer, 60 minuten lang. Heb je dit niet gevraagd? Negeer dan deze e-mail: je wachtwoord blijft hetzelfde.',
    },
    'account.password_changed': {
      subject: 'Je wachtwoord is gewijzigd',
      lines: ['Het wachtwoord van je Voltshare-account is zojuist gewijzigd en je andere sessies zijn afgemeld.'],
      note: 'Was jij dit niet? Stel je wachtwoord dan meteen opnieuw in en neem contact op met support.',
    },
    'reservation.created': {
      subject: 'Reservering bevestigd: {station}',
      lines: ['Je reservering bij {station} is bevestigd: {when}.'],
      note: 'Je kunt hem altijd wijzigen of annuleren in de app.',
    },
    'reservation.cancelled': { subject: 'Reservering geannuleerd: {station}', lines: ['Je reservering bij {station} ({when}) is geannuleerd.'] },
    'reservation.no_show': {
      subject: 'Reservering verlopen: {station}',
      lines: ['Je hebt tijdens je reservering bij {station} ({when}) niet ingeplugd, dus de laadpaal is weer vrijgegeven.'],
    },
    'reservation.fee_failed': {
      subject: 'Een betaling is mislukt',
      lines: ['De kosten van {amount} voor je reservering bij {station} konden niet worden afgeschreven.', 'Controleer je betaalmethode in de app.'],
    },
    'support.reply': {
      subject: 'Nieuw antwoord op je verzoek #{number}',
      lines: ['Er is een nieuw antwoord op je verzoek ‘{subject}’.', 'Open het in de app om het te lezen en te antwoorden.'],
    },
    'privacy.export_ready': {
      subject: 'Je gegevens staan klaar om te downloaden',
      lines: ['Het archief met alles wat Voltshare over je bewaart, staat klaar.'],
      action: 'Mijn gegevens downloaden',
      note: 'De link werkt één keer, 7 dagen lang; daarna wordt het archief verwijderd.',
    },
  },
  it: {
    'account.verify_email': {
      subject: 'Conferma il tuo indirizzo email',
      lines: ['Conferma che {email} è il tuo indirizzo email per Voltshare.'],
      action: 'Conferma indirizzo email',
      note: 'Il link funziona una volta, per 24 ore. Se non ti sei registrato, ignora questa email.',
    },
    'account.password_reset': {
      subject: 'Reimposta la password',
      lines: ['Qualcuno, speriamo tu, ha chiesto di reimpostare la password del tuo account Voltshare.'],
      action: 'Scegli una nuova password',
      note: 'Il link funziona una volta, per 60 minuti. Se non l’hai chiesto tu, ignora questa email: la password resta invariata.',
    },
    'account.password_changed': {
      subject: 'La tua password è stata cambiata',
      lines: ['La password del tuo account Voltshare è appena stata cambiata e le altre sessioni sono state chiuse.'],
      note: 'Se non sei stato tu, reimposta subito la password e contatta l’assistenza.',
    },
    'reservation.created': {
      subject: 'Prenotazione confermata: {station}',
      lines: ['La tua prenotazione presso {station} è confermata: {when}.'],
      note: 'Puoi modificarla o annullarla nell’app in qualsiasi momento.',
    },
    'reservation.cancelled': { subject: 'Prenotazione annullata: {station}', lines: ['La tua prenotazione presso {station} ({when}) è annullata.'] },
    'reservation.no_show': {
      subject: 'Prenotazione scaduta: {station}',
      lines: ['Non hai collegato l’auto durante la prenotazione presso {station} ({when}), quindi la colonnina è stata liberata.'],
    },
    'reservation.fee_failed': {
      subject: 'Non siamo riusciti ad addebitare un pagamento',
      lines: ['Non è stato possibile addebitare la tariffa di {amount} per la prenotazione presso {station}.', 'Controlla il metodo di pagamento nell’app.'],
    },
    'support.reply': {
      subject: 'Nuova risposta alla tua richiesta n. {number}',
      lines: ['C’è una nuova risposta alla tua richiesta “{subject}”.', 'Aprila nell’app per leggerla e rispondere.'],
    },
    'privacy.export_ready': {
      subject: 'I tuoi dati sono pronti da scaricare',
      lines: ['L’archivio con tutto ciò che Voltshare conserva su di te è pronto.'],
      action: 'Scarica i miei dati',
      note: 'Il link funziona una volta, per 7 giorni; poi l’archivio viene eliminato.',
    },
  },
  'zh-Hans': {
    'account.verify_email': {
      subject: '请确认您的电子邮件地址',
      lines: ['请确认 {email} 是您在 Voltshare 使用的电子邮件地址。'],
      action: '确认电子邮件地址',
      note: '此链接仅可使用一次，24 小时内有效。如果您没有注册，请忽略此邮件。',
    },
    'account.password_reset': {
      subject: '重置您的密码',
      lines: ['有人（希望是您本人）请求重置您的 Voltshare 账户密码。'],
      action: '设置新密码',
      note: '此链接仅可使用一次，60 分钟内有效。如果不是您本人请求，请忽略此邮件，您的密码不会改变。',
    },
    'account.password_changed': {
      subject: '您的密码已更改',
      lines: ['您的 Voltshare 账户密码刚刚已更改，您的其他会话已退出登录。'],
      note: '如果不是您本人操作，请立即重置密码并联系客服。',
    },
    'reservation.created': {
      subject: '预约已确认：{station}',
      lines: ['您在 {station} 的预约已确认：{when}。'],
      note: '您可以随时在应用中修改或取消。',
    },
    'reservation.cancelled': { subject: '预约已取消：{station}', lines: ['您在 {station} 的预约（{when}）已取消。'] },
    'reservation.no_show': {
      subject: '预约已过期：{station}',
      lines: ['您在 {station} 的预约时段（{when}）内没有插枪充电，充电桩已释放给其他人。'],
    },
    'reservation.fee_failed': {
      subject: '一笔付款未能成功',
      lines: ['您在 {station} 的预约费用 {amount} 未能扣款。', '请在应用中检查您的付款方式。'],
    },
    'support.reply': {
      subject: '您的请求 #{number} 有新回复',
      lines: ['您的请求“{subject}”有一条新回复。', '请在应用中打开查看并回复。'],
    },
    'privacy.export_ready': {
      subject: '您的数据已可下载',
      lines: ['Voltshare 保存的有关您的全部数据的压缩包已准备好。'],
      action: '下载我的数据',
      note: '此链接仅可使用一次，7 天内有效；之后压缩包将被删除。',
    },
  },
  ar: {
    'account.verify_email': {
      subject: 'أكِّد عنوان بريدك الإلكتروني',
      lines: ['يُرجى تأكيد أن {email} هو عنوان بريدك الإلكتروني في Voltshare.'],
      action: 'تأكيد عنوان البريد الإلكتروني',
      note: 'يعمل الرابط مرة واحدة خلال 24 ساعة. إذا لم تُنشئ حسابًا، فتجاهل هذه الرسالة.',
    },
    'account.password_reset': {
      subject: 'إعادة تعيين كلمة المرور',
      lines: ['طلب شخص ما، ونأمل أن تكون أنت، إعادة تعيين كلمة مرور حسابك في Voltshare.'],
      action: 'اختيار كلمة مرور جديدة',
      note: 'يعمل الرابط مرة واحدة خلال 60 دقيقة. إذا لم تطلب ذلك، فتجاهل هذه الرسالة: ستبقى كلمة مرورك كما هي.',
    },
    'account.password_changed': {
      subject: 'تم تغيير كلمة المرور',
      lines: ['تم للتو تغيير كلمة مرور حسابك في Voltshare، وتم تسجيل الخروج من جلساتك الأخرى.'],
      note: 'إذا لم تكن أنت، فأعد تعيين كلمة المرور فورًا وتواصل مع الدعم.',
    },
    'reservation.created': {
      subject: 'تم تأكيد الحجز: {station}',
      lines: ['تم تأكيد حجزك في {station}: {when}.'],
      note: 'يمكنك تعديله أو إلغاؤه من التطبيق في أي وقت.',
    },
    'reservation.cancelled': { subject: 'تم إلغاء الحجز: {station}', lines: ['تم إلغاء حجزك في {station} ({when}).'] },
    'reservation.no_show': {
      subject: 'انتهى الحجز: {station}',
      lines: ['لم توصل سيارتك خلال حجزك في {station} ({when})، لذا أُتيح الشاحن للآخرين.'],
    },
    'reservation.fee_failed': {
      subject: 'تعذّر تحصيل دفعة',
      lines: ['تعذّر تحصيل رسوم قدرها {amount} عن حجزك في {station}.', 'يُرجى التحقق من وسيلة الدفع في التطبيق.'],
    },
    'support.reply': {
      subject: 'رد جديد على طلبك رقم {number}',
      lines: ['هناك رد جديد على طلبك "{subject}".', 'افتحه في التطبيق لقراءته والرد عليه.'],
    },
    'privacy.export_ready': {
      subject: 'بياناتك جاهزة للتنزيل',
      lines: ['أصبح أرشيف كل ما يحتفظ به Voltshare عنك جاهزًا.'],
      action: 'تنزيل بياناتي',
      note: 'يعمل الرابط مرة واحدة خلال 7 أيام؛ ثم يُحذف الأرشيف.',
    },
  },
};

/** The best of the app's languages for a stored locale or an Accept-Language tag; English otherwise. */
export function mailLanguage(locale: string | undefined): MailLanguage {
  const lower = (locale ?? '').toLowerCase();
  if (lower.startsWith('zh')) return 'zh-Hans';
  return MAIL_LANGUAGES.find((l) => l === lower.split('-')[0]) ?? 'en';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fill = (template: string, values: Record<string, string>, encode: (s: string) => string) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? encode(values[key] as string) : whole));

export interface RenderedMail {
  language: MailLanguage;
  subject: string;
  text: string;
  html: string;
}

/**
 * One email in `locale`'s language: its subject, a plain-text part and an HTML part (the same
 * words, `dir="rtl"` for Arabic). `values.link` is the action's target, `values.name` the greeting's.
 */
export function renderMail(template: MailTemplate, locale: string | undefined, values: Record<string, string>): RenderedMail {
  const language = mailLanguage(locale);
  const t = TEXTS[language][template];
  const common = COMMON[language];
  const plain = (s: string) => fill(s, values, (v) => v);
  const rich = (s: string) => fill(s, values, escapeHtml);
  const hello = values.name ? common.helloNamed : common.hello;
  const link = values.link;
  const text = [
    plain(hello),
    '',
    ...t.lines.map(plain),
    ...(t.action && link ? ['', `${plain(t.action)}: ${link}`] : []),
    ...(t.note ? ['', plain(t.note)] : []),
    '',
    '-- ',
    common.footer,
  ].join('\n');
  const dir = language === 'ar' ? 'rtl' : 'ltr';
  const html = `<!doctype html><html lang="${language}" dir="${dir}"><head><meta charset="utf-8"><title>${rich(t.subject)}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;color:#102a43;max-width:560px;margin:24px auto;padding:0 16px">
<p>${rich(hello)}</p>
${t.lines.map((l) => `<p>${rich(l)}</p>`).join('\n')}
${t.action && link ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#0b6b66;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none;font-weight:600">${rich(t.action)}</a></p>` : ''}
${t.note ? `<p style="color:#486581;font-size:14px">${rich(t.note)}</p>` : ''}
<p style="color:#486581;font-size:13px;border-top:1px solid #d9e2ec;padding-top:8px">${escapeHtml(common.footer)}</p>
</body></html>`;
  return { language, subject: plain(t.subject), text, html };
}

/** Writes one of the platform's emails in the recipient's language and sends it; resolves with its Message-ID. */
export function sendTemplated(mailer: Mailer, to: { email: string; locale: string }, template: MailTemplate, values: Record<string, string>): Promise<string> {
  const mail = renderMail(template, to.locale, values);
  return mailer.send({ to: to.email, subject: mail.subject, text: mail.text, html: mail.html, language: mail.language });
}
