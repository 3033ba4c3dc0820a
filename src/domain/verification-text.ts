// The built-in text of a verification's message, per locale: "Your {app_name}
// code is 123456", or without an app name "Your verification code is 123456".
// An email gets the same line as its subject's lead and its body.

export const LOCALES = ["en", "es", "fr", "de", "pt"] as const;
export type Locale = (typeof LOCALES)[number];

const TEXTS: Record<Locale, { named: (app: string, code: string) => string; plain: (code: string) => string; subject: (app: string | null) => string }> = {
  en: {
    named: (app, code) => `Your ${app} code is ${code}`,
    plain: (code) => `Your verification code is ${code}`,
    subject: (app) => (app ? `Your ${app} code` : "Your verification code"),
  },
  es: {
    named: (app, code) => `Tu código de ${app} es ${code}`,
    plain: (code) => `Tu código de verificación es ${code}`,
    subject: (app) => (app ? `Tu código de ${app}` : "Tu código de verificación"),
  },
  fr: {
    named: (app, code) => `Votre code ${app} est ${code}`,
    plain: (code) => `Votre code de vérification est ${code}`,
    subject: (app) => (app ? `Votre code ${app}` : "Votre code de vérification"),
  },
  de: {
    named: (app, code) => `Ihr ${app}-Code lautet ${code}`,
    plain: (code) => `Ihr Bestätigungscode lautet ${code}`,
    subject: (app) => (app ? `Ihr ${app}-Code` : "Ihr Bestätigungscode"),
  },
  pt: {
    named: (app, code) => `Seu código ${app} é ${code}`,
    plain: (code) => `Seu código de verificação é ${code}`,
    subject: (app) => (app ? `Seu código ${app}` : "Seu código de verificação"),
  },
};

/** The text line that carries the code. */
export function verificationText(locale: Locale, appName: string | null, code: string): string {
  const texts = TEXTS[locale];
  return appName ? texts.named(appName, code) : texts.plain(code);
}

/** An email's subject: no code in it (subjects show in notifications and lists). */
export function verificationSubject(locale: Locale, appName: string | null): string {
  return TEXTS[locale].subject(appName);
}
