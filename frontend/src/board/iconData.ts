// Line icons for lanes, kinds and channels: the same 24×24 drawings the renderer uses
// (src/journeyline/render/icons.py), kept as data so nothing is injected as markup.
// Converted from the Python icon set (ICONS, FILLED, KNOWN_CHANNELS): keep the two in step.

export type IconShape = readonly ["path" | "circle" | "rect" | "ellipse", Readonly<Record<string, string>>];

export const ICONS: Readonly<Record<string, readonly IconShape[]>> = {
  "web": [["circle", {"cx": "12", "cy": "12", "r": "9"}], ["ellipse", {"cx": "12", "cy": "12", "rx": "4", "ry": "9"}], ["path", {"d": "M3 12h18M5 7h14M5 17h14"}]],
  "mobile_app": [["rect", {"x": "7", "y": "2.5", "width": "10", "height": "19", "rx": "2"}], ["path", {"d": "M10.5 18.5h3"}]],
  "email": [["rect", {"x": "3", "y": "5.5", "width": "18", "height": "13", "rx": "1.5"}], ["path", {"d": "M3.5 6.5l8.5 6.5 8.5-6.5"}]],
  "phone": [["path", {"d": "M6.5 3.5h3l1.5 4.5-2 1.5a11 11 0 0 0 5.5 5.5l1.5-2 4.5 1.5v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 4.5 5.5a2 2 0 0 1 2-2z"}]],
  "chat": [["path", {"d": "M4 5h16v11H10l-5 4v-4H4z"}], ["path", {"d": "M8 10.5h8"}]],
  "sms": [["rect", {"x": "3.5", "y": "4.5", "width": "17", "height": "12", "rx": "3"}], ["path", {"d": "M8 20l2-3.5"}], ["circle", {"cx": "8.5", "cy": "10.5", "r": ".6"}], ["circle", {"cx": "12", "cy": "10.5", "r": ".6"}], ["circle", {"cx": "15.5", "cy": "10.5", "r": ".6"}]],
  "social": [["circle", {"cx": "6", "cy": "12", "r": "2.5"}], ["circle", {"cx": "18", "cy": "6", "r": "2.5"}], ["circle", {"cx": "18", "cy": "18", "r": "2.5"}], ["path", {"d": "M8.3 10.9l7.4-3.8M8.3 13.1l7.4 3.8"}]],
  "video": [["rect", {"x": "2.5", "y": "6", "width": "13", "height": "12", "rx": "2"}], ["path", {"d": "M15.5 10l6-3.5v11l-6-3.5"}]],
  "postal_mail": [["rect", {"x": "3", "y": "6", "width": "18", "height": "12", "rx": "1"}], ["path", {"d": "M3 6l9 7 9-7"}], ["rect", {"x": "15.5", "y": "8.5", "width": "3", "height": "3"}]],
  "in_store": [["path", {"d": "M3.5 9.5l1.5-5h14l1.5 5"}], ["path", {"d": "M3.5 9.5h17v1.5a2.5 2.5 0 0 1-5 0 2.5 2.5 0 0 1-5 0 2.5 2.5 0 0 1-5 0 2.5 2.5 0 0 1-2 0z"}], ["path", {"d": "M5 12.5V20h14v-7.5M10 20v-4.5h4V20"}]],
  "face_to_face": [["circle", {"cx": "8", "cy": "8", "r": "3"}], ["circle", {"cx": "16.5", "cy": "8", "r": "3"}], ["path", {"d": "M2.5 20a5.5 5.5 0 0 1 11 0M11 20a5.5 5.5 0 0 1 11 0"}]],
  "self_service": [["rect", {"x": "5", "y": "2.5", "width": "14", "height": "19", "rx": "1.5"}], ["rect", {"x": "7.5", "y": "5", "width": "9", "height": "6"}], ["path", {"d": "M8 14.5h2M11 14.5h2M14 14.5h2M8 17.5h8"}]],
  "partner": [["circle", {"cx": "9", "cy": "12", "r": "5.5"}], ["circle", {"cx": "15", "cy": "12", "r": "5.5"}]],
  "advertising": [["path", {"d": "M3.5 10v4h3l7 4.5v-13L6.5 10z"}], ["path", {"d": "M17 9a4 4 0 0 1 0 6M19.5 6.5a7.5 7.5 0 0 1 0 11"}]],
  "word_of_mouth": [["path", {"d": "M3 4.5h11v7H8l-3.5 3v-3H3z"}], ["path", {"d": "M10 14h5.5l3.5 3v-3h2V8h-4"}]],
  "in_product": [["rect", {"x": "3", "y": "4", "width": "18", "height": "16", "rx": "2"}], ["path", {"d": "M3 8.5h18"}], ["circle", {"cx": "6", "cy": "6.3", "r": ".6"}], ["circle", {"cx": "8.5", "cy": "6.3", "r": ".6"}], ["path", {"d": "M7 13h6M7 16h10"}]],
  "system": [["circle", {"cx": "12", "cy": "12", "r": "3"}], ["path", {"d": "M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"}]],
  "channel": [["circle", {"cx": "12", "cy": "12", "r": "8.5"}], ["path", {"d": "M8 12h8M12 8v8"}]],
  "touchpoint": [["path", {"d": "M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11z"}], ["circle", {"cx": "12", "cy": "10", "r": "2.3"}]],
  "action": [["circle", {"cx": "12", "cy": "12", "r": "8.5"}], ["path", {"d": "M10 8.5l5 3.5-5 3.5z"}]],
  "question": [["circle", {"cx": "12", "cy": "12", "r": "8.5"}], ["path", {"d": "M9.6 9.5a2.5 2.5 0 1 1 3.4 2.3c-.7.3-1 .8-1 1.5v.7"}], ["circle", {"cx": "12", "cy": "16.8", "r": ".7"}]],
  "decision": [["path", {"d": "M12 2.5l9.5 9.5-9.5 9.5L2.5 12z"}], ["path", {"d": "M9 12h6M12.5 9.5L15 12l-2.5 2.5"}]],
  "star": [["path", {"d": "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"}]],
  "pain": [["path", {"d": "M12 3.5l9.5 16.5h-19z"}], ["path", {"d": "M12 10v4.5"}], ["circle", {"cx": "12", "cy": "17.3", "r": ".7"}]],
  "opportunity": [["path", {"d": "M9 17.5h6M10 20.5h4"}], ["path", {"d": "M8.5 14.5a6 6 0 1 1 7 0c-.6.5-1 1.2-1 2v1h-5v-1c0-.8-.4-1.5-1-2z"}]],
  "thinks": [["path", {"d": "M6 15.5a4 4 0 0 1 .5-8 5 5 0 0 1 9.5-1 4.5 4.5 0 0 1 2 8.6 4 4 0 0 1-5 .9 4.5 4.5 0 0 1-7-.5z"}], ["circle", {"cx": "6", "cy": "19", "r": "1.2"}], ["circle", {"cx": "3.5", "cy": "21.5", "r": ".7"}]],
  "feels": [["path", {"d": "M12 20s-8-4.8-8-10.3A4.3 4.3 0 0 1 12 7a4.3 4.3 0 0 1 8 2.7C20 15.2 12 20 12 20z"}]],
  "sentiment": [["path", {"d": "M2.5 16c3-8 5-8 7-3s4 6 6 1 3-8 6-8"}]],
  "backstage": [["rect", {"x": "3", "y": "4", "width": "18", "height": "6", "rx": "1"}], ["rect", {"x": "3", "y": "14", "width": "18", "height": "6", "rx": "1"}], ["circle", {"cx": "6.5", "cy": "7", "r": ".7"}], ["circle", {"cx": "6.5", "cy": "17", "r": ".7"}]],
  "metrics": [["path", {"d": "M4 20V10M10 20V4M16 20v-7M22 20H2"}]],
  "notes": [["path", {"d": "M5 3.5h10l4 4v13H5z"}], ["path", {"d": "M15 3.5v4h4M8 12h8M8 15.5h8"}]],
  "images": [["rect", {"x": "3", "y": "4.5", "width": "18", "height": "15", "rx": "1.5"}], ["circle", {"cx": "8.5", "cy": "9.5", "r": "1.8"}], ["path", {"d": "M3.5 18l5.5-5.5 4 4 3-3 4.5 4.5"}]],
  "custom": [["rect", {"x": "4", "y": "4", "width": "16", "height": "16", "rx": "2"}], ["path", {"d": "M8 9h8M8 12h8M8 15h5"}]],
  "actions": [["circle", {"cx": "12", "cy": "12", "r": "8.5"}], ["path", {"d": "M10 8.5l5 3.5-5 3.5z"}]],
  "touchpoints": [["path", {"d": "M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11z"}], ["circle", {"cx": "12", "cy": "10", "r": "2.3"}]],
  "channels": [["circle", {"cx": "12", "cy": "12", "r": "9"}], ["ellipse", {"cx": "12", "cy": "12", "rx": "4", "ry": "9"}], ["path", {"d": "M3 12h18"}]],
  "pain_points": [["path", {"d": "M12 3.5l9.5 16.5h-19z"}], ["path", {"d": "M12 10v4.5"}], ["circle", {"cx": "12", "cy": "17.3", "r": ".7"}]],
  "opportunities": [["path", {"d": "M9 17.5h6M10 20.5h4"}], ["path", {"d": "M8.5 14.5a6 6 0 1 1 7 0c-.6.5-1 1.2-1 2v1h-5v-1c0-.8-.4-1.5-1-2z"}]],
  "steps": [["path", {"d": "M4 7h16M4 12h16M4 17h10"}]],
};

export const FILLED_ICONS: ReadonlySet<string> = new Set(["star"]);

export const KNOWN_CHANNELS: readonly string[] = ["web", "mobile_app", "email", "phone", "chat", "sms", "social", "video", "postal_mail", "in_store", "face_to_face", "self_service", "partner", "advertising", "word_of_mouth", "in_product", "system"];
