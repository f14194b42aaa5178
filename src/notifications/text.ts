/**
 * What a notification says: that something new waits for the unit in Brygga, and how
 * much. Never a patient's name or personnummer, a case's reference or any text of a
 * message: an SMS or an e-mail leaves the systems the access log covers, so it may only
 * say what the seed agreements' SMS service said ("a new message for unit X").
 */
export interface NotificationText {
  subject: string;
  body: string;
}

export function notificationText(unitName: string, eventCount: number): NotificationText {
  const body =
    eventCount === 1
      ? `Ny händelse för ${unitName} i Brygga`
      : `${eventCount} nya händelser för ${unitName} i Brygga`;
  return { subject: 'Brygga: ny händelse', body };
}
